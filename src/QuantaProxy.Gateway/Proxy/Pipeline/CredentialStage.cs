using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Vault;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>How the connector gets the integration's credential for this call (lazily: see <see cref="IntegrationCredentials"/>).</summary>
public sealed class CredentialStage(VaultService vault) : IOutboundStage
{
    public ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct)
    {
        outbound.OktaContext = IntegrationCredentials.ContextFor(vault, outbound.TenantId, outbound.ResolvedIntegration);
        return ValueTask.FromResult(true);
    }
}
