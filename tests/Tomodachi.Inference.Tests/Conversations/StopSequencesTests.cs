using System.Text;
using Tomodachi.Inference.Generation;

namespace Tomodachi.Inference.Tests.Conversations;

public sealed class StopSequencesTests
{
    [Fact]
    public void The_reply_is_cut_before_the_earliest_stop_sequence_even_when_it_arrives_in_pieces()
    {
        var stops = new StopSequences(["</answer>", "\nUser:"]);
        var text = new StringBuilder();

        var cutAt = -1;
        foreach (var (piece, i) in new[] { "The answer", " is 4.\nUs", "er: and", " more" }.Select((p, i) => (p, i)))
        {
            text.Append(piece);
            if (stops.Cut(text))
            {
                cutAt = i;
                break;
            }
        }

        Assert.Equal(2, cutAt);
        Assert.Equal("The answer is 4.", text.ToString());
    }

    [Fact]
    public void Text_that_could_begin_a_stop_sequence_is_held_back_and_no_stops_hold_nothing()
    {
        Assert.Equal(8, new StopSequences(["</answer>", "x"]).HoldBack);
        Assert.Equal(0, new StopSequences([]).HoldBack);
        Assert.False(new StopSequences([]).Cut(new StringBuilder("anything </answer>")));
    }
}
