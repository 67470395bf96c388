using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Okta;

namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>
/// Decides which base URLs an integration may call: only Okta orgs (allowed suffixes or operator-approved custom
/// domains) over https on the default port. Loopback http exists only for the development sandbox.
/// </summary>
public sealed class OktaDomainPolicy(IOptions<OktaOptions> options)
{
    private const int MaxLength = 255;
    private readonly OktaOptions _options = options.Value;

    public bool TryValidate(string domain, out string normalized, out string reason)
    {
        normalized = "";
        if (string.IsNullOrEmpty(domain) || domain.Length > MaxLength)
            return Refuse(out reason, "okta_domain must be an https URL of at most 255 characters.");
        if (!Uri.TryCreate(domain, UriKind.Absolute, out var uri) || domain.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '\\'))
            return Refuse(out reason, "okta_domain must be an absolute URL such as https://example.okta.com.");
        if (uri.UserInfo.Length > 0 || domain.Contains('@', StringComparison.Ordinal))
            return Refuse(out reason, "okta_domain must not contain user information.");
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || domain.Contains('?', StringComparison.Ordinal) || domain.Contains('#', StringComparison.Ordinal))
            return Refuse(out reason, "okta_domain must be only scheme and host, without path, query or fragment.");

        var host = uri.IdnHost.ToLowerInvariant();
        if (_options.AllowLoopback && uri.Scheme == Uri.UriSchemeHttp && (host is "127.0.0.1" or "localhost") && !uri.IsDefaultPort)
        {
            normalized = $"http://{host}:{uri.Port}";
            reason = "";
            return true;
        }
        if (uri.Scheme != Uri.UriSchemeHttps) return Refuse(out reason, "okta_domain must use https.");
        if (uri.HostNameType != UriHostNameType.Dns) return Refuse(out reason, "okta_domain must be a host name, not an IP address.");
        if (!uri.IsDefaultPort) return Refuse(out reason, "okta_domain must use the default https port.");
        if (!IsAllowedHost(host)) return Refuse(out reason, "okta_domain is not an Okta org domain allowed by this gateway's configuration.");
        normalized = $"https://{host}";
        reason = "";
        return true;
    }

    private bool IsAllowedHost(string host)
    {
        foreach (var custom in _options.CustomDomains)
            if (string.Equals(host, custom.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var suffix in _options.AllowedDomainSuffixes)
        {
            // The org label before the suffix must exist and be a single DNS label (example.okta.com, not okta.com).
            if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                var label = host[..^suffix.Length];
                if (label.Length > 0 && !label.Contains('.', StringComparison.Ordinal)) return true;
            }
        }
        return false;
    }

    private static bool Refuse(out string reason, string message)
    {
        reason = message;
        return false;
    }
}
