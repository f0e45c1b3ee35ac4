namespace Tomodachi.Gateway.Security;

/// <summary>
/// Downloads of private data (the CSV and JSONL exports) go only to the Tomodachi page or to holders of the API key.
/// Without a key, the gateway gives every page load of a browser the session cookie, and an export request must bring
/// it back: a link on another site's page, or a script that has not opened the page, arrives without it. With a key,
/// <see cref="ApiKeyMiddleware"/> has already asked every request for the key or the cookie /login grants.
/// </summary>
public sealed class PageSessionMiddleware(RequestDelegate next, ApiKeyCheck apiKey, UiSession session)
{
    /// <summary>Routes that answer with files of turns, replies and comparisons.</summary>
    private static readonly PathString[] Exports = ["/export", "/api/tuning"];

    public Task InvokeAsync(HttpContext context)
    {
        if (apiKey.Enabled)
        {
            return next(context);
        }

        var request = context.Request;
        if (Exports.Any(prefix => request.Path.StartsWithSegments(prefix)))
        {
            return session.IsCarriedBy(request)
                ? next(context)
                : Refusal.WriteAsync(context, StatusCodes.Status403Forbidden, Grpc.Core.StatusCode.PermissionDenied,
                    "Exports are served to the Tomodachi page: open it in a browser and use its download links, or send " +
                    "its session cookie (curl -c jar -H 'Accept: text/html' http://localhost:5173/ then curl -b jar …), or " +
                    "set an API key (Tomodachi:ApiKey) and send it as 'Authorization: Bearer <key>'.");
        }

        if (IsPageLoad(request) && !session.IsCarriedBy(request))
        {
            session.Grant(context);
        }

        return next(context);
    }

    private static bool IsPageLoad(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && (request.Headers["Sec-Fetch-Dest"] == "document" || request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal));
}
