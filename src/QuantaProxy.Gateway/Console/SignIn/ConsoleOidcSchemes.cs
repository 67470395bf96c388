using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.WebConsole.SignIn;

/// <summary>
/// One OpenID Connect scheme per tenant that has console settings (its own issuer, client id and callback path), added when first
/// needed and dropped when the settings change, so every sign-in is checked against that tenant's issuer and nothing else.
/// </summary>
public sealed class ConsoleOidcSchemes(IAuthenticationSchemeProvider schemes, IOptionsMonitorCache<OpenIdConnectOptions> optionsCache, ConsoleSettingsStore store)
{
    private const string Prefix = "console-oidc:";
    private const int MaxCached = 10_000;
    private readonly ConcurrentDictionary<string, ConsoleSettings> _settings = new(StringComparer.Ordinal);

    public static string SchemeName(string tenantId) => Prefix + tenantId;

    public static string? TenantOfScheme(string scheme) => scheme.StartsWith(Prefix, StringComparison.Ordinal) ? scheme[Prefix.Length..] : null;

    /// <summary>The tenant's scheme name, or null when the tenant has no console sign-in configured (or does not exist).</summary>
    public async Task<string?> EnsureAsync(string tenantId, CancellationToken ct)
    {
        var name = SchemeName(tenantId);
        if (_settings.ContainsKey(tenantId)) return name;
        var settings = await store.FindAsync(tenantId, ct);
        if (settings is null) return null;
        if (_settings.Count >= MaxCached) return null;
        _settings[tenantId] = settings;
        optionsCache.TryRemove(name);
        if (await schemes.GetSchemeAsync(name) is null)
            schemes.TryAddScheme(new AuthenticationScheme(name, "Okta", typeof(OpenIdConnectHandler)));
        return name;
    }

    public ConsoleSettings? Settings(string tenantId) => _settings.GetValueOrDefault(tenantId);

    /// <summary>Called when a tenant's settings change: the next sign-in reads them again.</summary>
    public void Forget(string tenantId)
    {
        _settings.TryRemove(tenantId, out _);
        optionsCache.TryRemove(SchemeName(tenantId));
        schemes.RemoveScheme(SchemeName(tenantId));
    }
}
