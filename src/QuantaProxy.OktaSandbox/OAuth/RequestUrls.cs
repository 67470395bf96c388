using Microsoft.AspNetCore.Http.Extensions;

namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>URLs as the sandbox is addressed: what <c>aud</c> and <c>htu</c> must name.</summary>
internal static class RequestUrls
{
    public const string TokenPath = "/oauth2/v1/token";

    /// <summary>The org's origin, <c>{scheme}://{host:port}</c>, from the request's own Host.</summary>
    public static string Origin(HttpRequest request) => $"{request.Scheme}://{request.Host.Value}";

    /// <summary>The token endpoint URL: the audience a client assertion must name.</summary>
    public static string TokenEndpoint(HttpRequest request) => Origin(request) + TokenPath;

    /// <summary>This request's URL without query, as a DPoP proof's <c>htu</c> names it.</summary>
    public static string Target(HttpRequest request) => UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path);

    /// <summary>
    /// Whether <paramref name="htu"/> names <paramref name="target"/> after RFC 3986 normalisation (case of scheme and host, default
    /// port, dot segments, percent-encoding), as RFC 9449 §4.3 allows. An htu with a query, a fragment or user info is refused:
    /// the claim names the URL without them, and Okta refuses one that carries the query.
    /// </summary>
    public static bool SameTarget(string? htu, string target)
    {
        if (htu is null || htu.Length > 2048 || !Uri.TryCreate(htu, UriKind.Absolute, out var claimed) || !Uri.TryCreate(target, UriKind.Absolute, out var actual))
            return false;
        if (claimed.Scheme is not ("http" or "https") || claimed.UserInfo.Length > 0 || claimed.Query.Length > 0 || claimed.Fragment.Length > 0 || htu.Contains('?') || htu.Contains('#'))
            return false;
        return string.Equals(claimed.GetLeftPart(UriPartial.Path), actual.GetLeftPart(UriPartial.Path), StringComparison.Ordinal);
    }
}
