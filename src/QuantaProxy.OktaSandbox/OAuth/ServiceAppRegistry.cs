using System.Collections.Frozen;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>A service app as registered at start-up: a snapshot, so later changes to the options do not reach a running org.</summary>
internal sealed record RegisteredApp(string ClientId, IReadOnlyList<JsonWebKey> Keys, FrozenSet<string> GrantedScopes, bool RequireDpop, bool RequireKid, string? ClientSecret = null);

/// <summary>The org's service apps by <c>client_id</c>.</summary>
internal sealed class ServiceAppRegistry : IClientDirectory
{
    private readonly FrozenDictionary<string, RegisteredApp> _apps;

    public ServiceAppRegistry(IEnumerable<SandboxServiceApp> apps)
    {
        var registered = new Dictionary<string, RegisteredApp>(StringComparer.Ordinal);
        foreach (var app in apps)
        {
            Check(app);
            var snapshot = new RegisteredApp(app.ClientId, [.. app.Keys], app.GrantedScopes.ToFrozenSet(StringComparer.Ordinal), app.RequireDpop, app.RequireKid, app.ClientSecret);
            if (!registered.TryAdd(app.ClientId, snapshot)) throw new ArgumentException($"service app {app.ClientId} is registered twice", nameof(apps));
        }
        _apps = registered.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public RegisteredApp? Find(string clientId) => _apps.GetValueOrDefault(clientId);

    /// <summary>Refuses an app Okta would not accept; messages name the app and key, never key material.</summary>
    public static void Check(SandboxServiceApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (string.IsNullOrWhiteSpace(app.ClientId) || app.ClientId.Length > 256) throw new ArgumentException("a service app needs a client id of at most 256 characters", nameof(app));
        // An API service integration may have a client secret instead of keys; one with neither could never authenticate.
        if (app.Keys.Count == 0 && app.ClientSecret is null) throw new ArgumentException($"service app {app.ClientId} has no public keys", nameof(app));
        if (app.ClientSecret is { Length: 0 or > 256 }) throw new ArgumentException($"service app {app.ClientId}: a client secret has 1 to 256 characters", nameof(app));
        for (var i = 0; i < app.Keys.Count; i++)
        {
            var key = app.Keys[i] ?? throw new ArgumentException($"service app {app.ClientId}: key {i} is null", nameof(app));
            if (PublicJwk.Problem(key) is { } problem)
                throw new ArgumentException($"service app {app.ClientId}: key {i} (kid {key.Kid ?? "none"}) is not a usable public key: {problem}", nameof(app));
        }
        if (app.GrantedScopes is null) throw new ArgumentException($"service app {app.ClientId} has no granted scopes", nameof(app));
    }
}
