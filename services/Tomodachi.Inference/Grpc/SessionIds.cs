using System.Text.RegularExpressions;

namespace Tomodachi.Inference.Grpc;

/// <summary>The contract's rule for session ids, in one place for every RPC that takes one.</summary>
public static partial class SessionIds
{
    public const string Rule = "1 to 64 characters of letters, digits, '-', '_' or '.'";

    public static bool IsValid(string sessionId) => Pattern().IsMatch(sessionId);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex Pattern();
}
