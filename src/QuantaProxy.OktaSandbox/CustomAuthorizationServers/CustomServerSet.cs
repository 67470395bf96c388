using System.Collections.Frozen;

namespace QuantaProxy.OktaSandbox.CustomAuthorizationServers;

/// <summary>The org's custom authorization servers by id.</summary>
internal sealed class CustomServerSet : IDisposable
{
    private readonly FrozenDictionary<string, CustomAuthorizationServer> _servers;

    public CustomServerSet(IEnumerable<SandboxAuthorizationServer> configs, OrgState org, TimeProvider clock)
    {
        var servers = new Dictionary<string, CustomAuthorizationServer>(StringComparer.Ordinal);
        try
        {
            foreach (var config in configs)
            {
                var server = new CustomAuthorizationServer(config, org, clock);
                if (!servers.TryAdd(server.Id, server))
                {
                    server.Release();
                    throw new ArgumentException($"authorization server {server.Id} is configured twice", nameof(configs));
                }
            }
        }
        catch
        {
            foreach (var server in servers.Values) server.Release();
            throw;
        }
        _servers = servers.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public CustomAuthorizationServer? Find(string id) => _servers.GetValueOrDefault(id);

    /// <summary>Okta's 404 for an authorization server id it does not have (the id echoed only in plain characters).</summary>
    public static IResult NotFound(string id) =>
        OktaErrors.NotFound(new string(id.Take(64).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '?').ToArray()), "AuthorizationServer");

    public IEnumerable<CustomAuthorizationServer> All => _servers.Values;

    public void Dispose()
    {
        foreach (var server in _servers.Values) server.Release();
    }
}
