using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Tomodachi.Gateway.Security;

/// <summary>
/// The browser session of the Tomodachi page: an HttpOnly, SameSite=Strict cookie holding a keyed hash, never a
/// secret. Browsers send it only with requests made by pages of this site, so a link or form on another site's page
/// arrives without it. Keyed by the API key when one is set (the /login page grants it), else by the suite's service
/// token, which lives as long as the AppHost run, or by a random key of this process's own.
/// </summary>
public sealed class UiSession(IOptions<GatewaySecurityOptions> security, IOptions<ServiceTokenOptions> serviceToken)
{
    public const string CookieName = "tomodachi_session";

    private readonly string _token = Convert.ToHexString(HMACSHA256.HashData(
        security.Value.ApiKey is { Length: > 0 } key ? Encoding.UTF8.GetBytes(key)
            : serviceToken.Value.ServiceToken is { Length: > 0 } token ? Encoding.UTF8.GetBytes(token)
            : RandomNumberGenerator.GetBytes(32),
        "tomodachi-web-session"u8));

    public bool IsCarriedBy(HttpRequest request) =>
        request.Cookies.TryGetValue(CookieName, out var cookie)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(cookie), Encoding.UTF8.GetBytes(_token));

    public void Grant(HttpContext context) =>
        context.Response.Cookies.Append(CookieName, _token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            IsEssential = true,
            Path = "/",
        });
}
