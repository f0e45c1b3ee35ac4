using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Tomodachi.Gateway.Connect;

/// <summary>
/// Keeps the gRPC status that a gRPC handler or the proxy writes — in the trailers, or in the headers of a
/// trailers-only reply — instead of sending it: Connect carries it in the body.
/// </summary>
public sealed class CapturedTrailers : IHttpResponseTrailersFeature
{
    private static readonly string[] StatusHeaders = ["grpc-status", "grpc-message"];

    public IHeaderDictionary Trailers { get; set; } = new HeaderDictionary();

    /// <summary>Moves a trailers-only status out of the response headers; call before the headers are sent.</summary>
    public void TakeFromHeaders(IHeaderDictionary headers)
    {
        foreach (var name in StatusHeaders)
        {
            if (headers.Remove(name, out var value))
            {
                Trailers[name] = value;
            }
        }
    }

    public (Grpc.Core.StatusCode Code, string Message) Status() =>
        (int.TryParse(Trailers["grpc-status"], out var value) ? (Grpc.Core.StatusCode)value : Grpc.Core.StatusCode.Unknown,
         Uri.UnescapeDataString(Trailers["grpc-message"].ToString()));
}
