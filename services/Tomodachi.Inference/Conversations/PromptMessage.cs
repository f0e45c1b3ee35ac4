namespace Tomodachi.Inference.Conversations;

/// <summary>One message of a prompt, with the role names chat templates use.</summary>
public sealed record PromptMessage(string Role, string Content)
{
    public const string System = "system";
    public const string User = "user";
    public const string Assistant = "assistant";
}

/// <summary>
/// One earlier turn of a conversation: a user message and what followed it up to the next user message. History is
/// dropped a whole turn at a time, so the model never sees half an exchange.
/// </summary>
public sealed record HistoryTurn(IReadOnlyList<PromptMessage> Messages)
{
    public static HistoryTurn Of(string user, string assistant) =>
        new([new PromptMessage(PromptMessage.User, user), new PromptMessage(PromptMessage.Assistant, assistant)]);
}
