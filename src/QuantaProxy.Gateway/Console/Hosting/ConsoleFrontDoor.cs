using QuantaProxy.Gateway.WebConsole.SignIn;

namespace QuantaProxy.Gateway.WebConsole;

/// <summary>
/// Runs before authentication on <c>/console</c> paths: sets the console's security headers on every answer (a strict
/// Content-Security-Policy with no inline script or style, no framing, no caching, no referrer) and makes sure the tenant's
/// OpenID Connect scheme exists before its callback is handled (after a restart, or on another replica).
/// </summary>
public sealed class ConsoleFrontDoor(RequestDelegate next, ConsoleOidcSchemes schemes)
{
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public async Task InvokeAsync(HttpContext http)
    {
        var path = http.Request.Path;
        if (!path.StartsWithSegments(ConsolePaths.Root, StringComparison.OrdinalIgnoreCase))
        {
            await next(http);
            return;
        }
        var headers = http.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
        if (path.StartsWithSegments(ConsolePaths.OidcCallbackPrefix.TrimEnd('/'), StringComparison.OrdinalIgnoreCase, out var rest)
            && rest.Value is { Length: > 1 } tenant && Crypto.Formats.PrefixedId.IsValid(tenant[1..], Crypto.Formats.PrefixedId.Tenant))
            await schemes.EnsureAsync(tenant[1..], http.RequestAborted);
        await next(http);
    }
}
