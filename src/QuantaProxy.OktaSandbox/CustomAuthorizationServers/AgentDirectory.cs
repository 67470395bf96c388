using System.Collections.Concurrent;
using System.Collections.Frozen;
using QuantaProxy.OktaSandbox.OAuth;

namespace QuantaProxy.OktaSandbox.CustomAuthorizationServers;

/// <summary>
/// The clients custom authorization servers authenticate: the org's service apps from the options, plus apps tests register
/// while the sandbox runs. Each is a snapshot taken at registration.
/// </summary>
internal sealed class AgentDirectory : IClientDirectory
{
    private readonly ConcurrentDictionary<string, RegisteredApp> _apps = new(StringComparer.Ordinal);

    public AgentDirectory(IEnumerable<SandboxServiceApp> apps)
    {
        foreach (var app in apps) Register(app);
    }

    public RegisteredApp? Find(string clientId) => _apps.GetValueOrDefault(clientId);

    /// <exception cref="ArgumentException">The app is not one Okta would accept, or its client id is taken.</exception>
    public void Register(SandboxServiceApp app)
    {
        ServiceAppRegistry.Check(app);
        var snapshot = new RegisteredApp(app.ClientId, [.. app.Keys], app.GrantedScopes.ToFrozenSet(StringComparer.Ordinal), app.RequireDpop, app.RequireKid);
        if (!_apps.TryAdd(app.ClientId, snapshot)) throw new ArgumentException($"service app {app.ClientId} is registered twice", nameof(app));
    }
}
