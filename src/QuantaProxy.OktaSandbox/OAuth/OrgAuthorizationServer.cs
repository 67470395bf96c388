namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>
/// The org authorization server's parts, built once per sandbox: the token endpoint for service apps and the check of
/// OAuth-authenticated Management requests, sharing the issued tokens, the nonces and the replay caches.
/// </summary>
internal sealed class OrgAuthorizationServer
{
    private readonly TokenEndpoint _tokenEndpoint;

    public OrgAuthorizationServer(SandboxOptions options, SandboxFaults faults, SandboxStats stats, TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        if (options.AccessTokenLifetime <= TimeSpan.Zero) throw new ArgumentException("AccessTokenLifetime must be positive", nameof(options));
        if (options.DpopNonceLifetime <= TimeSpan.Zero) throw new ArgumentException("DpopNonceLifetime must be positive", nameof(options));
        var apps = new ServiceAppRegistry(options.ServiceApps);
        var replays = new ReplayCache(clock);
        var tokens = new AccessTokens(faults, clock);
        var proofs = new DpopProofValidator(replays, clock);
        _tokenEndpoint = new TokenEndpoint(apps, new ClientAssertionValidator(apps, replays, clock), proofs, new DpopNonces(options.DpopNonceLifetime, clock), tokens, options, faults, stats);
        Resources = new ResourceAuthenticator(tokens, proofs);
    }

    /// <summary>Decides requests to <c>/api/v1</c> that carry a DPoP or Bearer token.</summary>
    public ResourceAuthenticator Resources { get; }

    public void Map(WebApplication app) => _tokenEndpoint.Map(app);
}
