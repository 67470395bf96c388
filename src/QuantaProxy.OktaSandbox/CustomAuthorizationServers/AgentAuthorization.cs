using QuantaProxy.OktaSandbox.OAuth;

namespace QuantaProxy.OktaSandbox.CustomAuthorizationServers;

/// <summary>
/// The custom authorization servers' parts, built once per sandbox: the servers and their keys, the agents they authenticate, and
/// the endpoints. Replay caches and DPoP nonces are their own, apart from the org authorization server's.
/// </summary>
internal sealed class AgentAuthorization : IDisposable
{
    private readonly CustomTokenEndpoint _tokenEndpoint;
    private readonly AuthorizationCodes _codes;
    private readonly TimeProvider _clock;

    public AgentAuthorization(SandboxOptions options, OrgState org, SandboxFaults faults, SandboxStats stats, TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        _clock = clock;
        Agents = new AgentDirectory(options.ServiceApps);
        Servers = new CustomServerSet(options.AuthorizationServers, org, clock);
        var replays = new ReplayCache(clock);
        var binding = new DpopBinding(new DpopProofValidator(replays, clock), new DpopNonces(options.DpopNonceLifetime, clock));
        _codes = new AuthorizationCodes(Servers, binding, clock);
        _tokenEndpoint = new CustomTokenEndpoint(Servers, new ClientAssertionValidator(Agents, replays, clock), binding,
            new SubjectTokenValidator(Servers, clock), _codes, faults, stats);
    }

    public CustomServerSet Servers { get; }
    public AgentDirectory Agents { get; }

    public void Map(WebApplication app, IReadOnlyList<byte[]> apiTokens)
    {
        DiscoveryEndpoints.Map(app, Servers);
        _tokenEndpoint.Map(app);
        _codes.Map(app);
        TestIdTokenEndpoint.Map(app, Servers, apiTokens, _clock);
    }

    public void Dispose() => Servers.Dispose();
}
