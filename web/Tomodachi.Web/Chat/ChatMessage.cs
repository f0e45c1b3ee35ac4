using System.Text;
using Tomodachi.Inference.V1;
using Tomodachi.Tuning.V1;

namespace Tomodachi.Web.Chat;

/// <summary>Who wrote a chat line.</summary>
public enum ChatRole
{
    User,
    Assistant,
}

/// <summary>One line of the conversation; an assistant line grows while its reply streams in.</summary>
public sealed class ChatMessage(ChatRole role, string text)
{
    private readonly StringBuilder text = new(text);

    public ChatRole Role { get; } = role;

    public string Text => text.ToString();

    /// <summary>The server's figures for this reply, once it has finished (or, for a stopped reply, once the journal has it).</summary>
    public TurnStats? Stats { get; internal set; }

    /// <summary>A reply of a private chat: it has stats but no journal row, so it cannot be rated or replaced.</summary>
    public bool Private { get; init; }

    /// <summary>Why the reply failed, in words; null when it did not.</summary>
    public string? Error { get; internal set; }

    /// <summary>True when the person stopped this reply before it finished.</summary>
    public bool Stopped { get; internal set; }

    /// <summary>The rating stored in the journal; <see cref="Rating.Cleared"/> when none, unspecified while unknown.</summary>
    public Rating Rating { get; internal set; }

    /// <summary>True while a RateTurn call for this reply is on its way.</summary>
    public bool IsRating { get; internal set; }

    /// <summary>Why the last rating could not be stored or read, in words; null when it could.</summary>
    public string? RatingError { get; internal set; }

    /// <summary>A reply of a journaled turn (finished, or stopped and found in the journal), which can be rated.</summary>
    public bool CanBeRated => Role == ChatRole.Assistant && Error is null && IsJournaled;

    /// <summary>True once the journal holds this reply's turn, so a regenerate or an edit replaces it there.</summary>
    public bool IsJournaled => !Private && Stats is { TurnId.Length: > 0 };

    internal void Append(string delta) => text.Append(delta);

    internal void Replace(string newText) => text.Clear().Append(newText);
}
