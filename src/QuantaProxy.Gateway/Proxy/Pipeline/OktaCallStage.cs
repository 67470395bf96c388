using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Okta.Transport;
using QuantaProxy.Gateway.Telemetry;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>
/// The Okta call itself. When no answer could be had (timeout, outage, open circuit…) the event records why; a request
/// whose wire path would not have been the catalog's is a refusal (<c>proxy.denied</c>), not an upstream failure.
/// </summary>
public sealed class OktaCallStage(OktaConnector connector, AuditRecorder audit) : IOutboundStage
{
    public async ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct)
    {
        var operation = outbound.ResolvedOperation;
        try
        {
            outbound.Result = await connector.CallAsync(outbound.OktaContext!, operation, outbound.Request!, ct);
            return true;
        }
        catch (OktaCallException e)
        {
            GatewayTelemetry.ProxyCalls.Add(1, new("operation", operation.Name), new("outcome", e.Code));
            await audit.RecordAsync(outbound.Audit, outbound.TenantId, e.Code == OktaConnector.PathMismatchCode ? AuditEventTypes.ProxyDenied : AuditEventTypes.ProxyCall, e.Code,
                new AuditDetails(IntegrationId: outbound.ResolvedIntegration.Id, Operation: operation.Name, Detail: e.Code));
            throw;
        }
    }
}
