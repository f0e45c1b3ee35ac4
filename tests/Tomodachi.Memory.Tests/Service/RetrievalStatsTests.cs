using Tomodachi.Memory.V1;
using static Tomodachi.Memory.Tests.Service.MemoryRequests;

namespace Tomodachi.Memory.Tests.Service;

/// <summary>GetRetrievalStats counts what searches returned since the start, against the store as it is now.</summary>
public sealed class RetrievalStatsTests
{
    [Fact]
    public async Task Searches_hits_score_bands_and_memories_never_retrieved_are_counted()
    {
        await using var service = new MemoryServiceFactory();
        var ids = (await service.Client.StoreBatchAsync(new StoreBatchRequest
        {
            Memories = { New("I adopted a kitten last week"), New("My car needs new tyres"), New("I work as a dentist") },
        })).Ids;

        var kitten = (await service.Client.SearchAsync(Search("I adopted a kitten last week", k: 1))).Hits;
        await service.Client.SearchAsync(Search("Do I have any pets?", k: 1, filter: new SearchFilter { SessionId = "nobody" }));
        await service.Client.DeleteAsync(new DeleteRequest { Id = ids[2] });
        var stats = await service.Client.GetRetrievalStatsAsync(new GetRetrievalStatsRequest());

        Assert.Equal(2ul, stats.Searches);
        Assert.Equal(1ul, stats.SearchesWithHits);
        Assert.Equal(1ul, stats.Hits);
        Assert.Equal(10, stats.HitScoreHistogram.Count);
        Assert.Equal(1ul, stats.HitScoreHistogram[9]);
        Assert.Equal(ids[0], Assert.Single(kitten).Memory.Id);
        Assert.Equal(2ul, stats.Memories);
        Assert.Equal(1ul, stats.MemoriesRetrieved);
        Assert.Equal(0ul, stats.MemoriesLowScoreOnly);
        Assert.Equal(0.3f, stats.LowScoreThreshold);
        Assert.Equal(MemoryServiceFactory.Start, stats.Since.ToDateTimeOffset());
    }
}
