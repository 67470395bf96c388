using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Okta.Authentication;

/// <summary>
/// The integration's credential for one proxied call, unsealed on first use only and zeroed when the call ends: a
/// service app with a cached token never unseals its private key at all.
/// </summary>
internal sealed class OktaCredentialLease(OktaCallContext context) : IDisposable
{
    private OktaCredential? _credential;

    public async ValueTask<OktaCredential> GetAsync(CancellationToken ct) => _credential ??= await context.LoadCredential(ct);

    public void Dispose() => _credential?.Dispose();
}
