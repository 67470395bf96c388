using System.Text.RegularExpressions;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Agents;

/// <summary>
/// A trusted issuer is an Okta authorization server: the org (<c>https://org.okta.com</c>) or a custom server
/// (<c>https://org.okta.com/oauth2/{id}</c>), on a domain integrations may use. So its metadata and keys are only ever
/// fetched from Okta (loopback http only under <c>Okta:AllowLoopback</c>).
/// </summary>
public static partial class IssuerUrl
{
    [GeneratedRegex("^(/oauth2/[A-Za-z0-9]{1,64})?$")]
    private static partial Regex OktaIssuerPath();

    public static string Normalize(OktaDomainPolicy domains, string? issuer)
    {
        if (string.IsNullOrEmpty(issuer) || issuer.Length > 512 || !Uri.TryCreate(issuer, UriKind.Absolute, out var uri))
            throw ApiException.BadRequest("issuer must be the URL of an Okta authorization server.", "issuer");
        var path = uri.AbsolutePath.TrimEnd('/');
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || !OktaIssuerPath().IsMatch(path))
            throw ApiException.BadRequest("issuer must be https://<org> or https://<org>/oauth2/<authorization server id>.", "issuer");
        var origin = uri.GetLeftPart(UriPartial.Authority);
        if (!domains.TryValidate(origin, out var normalized, out var reason)) throw ApiException.BadRequest("issuer: " + reason, "issuer");
        return normalized + path;
    }
}
