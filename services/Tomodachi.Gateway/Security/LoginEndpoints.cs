using System.Net;

namespace Tomodachi.Gateway.Security;

/// <summary>A minimal login page for browsers when the gateway requires an API key.</summary>
public static class LoginEndpoints
{
    public const string Path = "/login";

    public static IEndpointRouteBuilder MapLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, () => Results.Content(Page(error: null), "text/html"));
        app.MapPost(Path, async (HttpContext context, ApiKeyCheck check, UiSession session) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (!check.Enabled || !check.IsKey(form["key"]))
            {
                return Results.Content(Page("That key is not right."), "text/html", statusCode: StatusCodes.Status401Unauthorized);
            }

            session.Grant(context);
            return Results.Redirect("/");
        }).DisableAntiforgery();
        return app;
    }

    private static string Page(string? error) => $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Tomodachi — sign in</title></head>
        <body style="font-family:sans-serif;max-width:24rem;margin:4rem auto">
        <h1>Tomodachi</h1>
        <form method="post" action="{Path}">
          <label for="key">API key</label>
          <input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
          <button type="submit">Sign in</button>
        </form>
        {(error is null ? "" : $"<p role=\"alert\">{WebUtility.HtmlEncode(error)}</p>")}
        </body></html>
        """;
}
