namespace Tomodachi.Inference.Grpc;

/// <summary>Caller-supplied text quoted back in an error message.</summary>
public static class UserInput
{
    private const int MaxQuoted = 40;

    /// <summary>
    /// At most 40 characters of it: a status message travels in an HTTP/2 trailer, and one that echoes a megabyte of
    /// input is too large for the gateway to pass on (the caller would see a bare 502 instead of the reason).
    /// </summary>
    public static string Excerpt(string text) => text.Length <= MaxQuoted ? text : $"{text[..MaxQuoted]}… ({text.Length} characters)";
}
