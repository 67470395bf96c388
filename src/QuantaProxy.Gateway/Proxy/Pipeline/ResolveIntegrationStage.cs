using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Integrations;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>The integration, of the caller's tenant only: any other (or a malformed id) is simply not found.</summary>
public sealed class ResolveIntegrationStage(IntegrationStore integrations) : IOutboundStage
{
    public async ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct)
    {
        var id = PrefixedId.IsValid(outbound.RequestedIntegrationId, PrefixedId.Integration) ? outbound.RequestedIntegrationId : null;
        outbound.Integration = id is null ? null : await integrations.FindAsync(outbound.TenantId, id, ct);
        if (outbound.Integration is null) throw new ApiException(404, ProblemCodes.IntegrationNotFound, "Integration not found.", "integration_id");
        System.Diagnostics.Activity.Current?.SetTag("qp.integration_id", outbound.Integration.Id);
        return true;
    }
}
