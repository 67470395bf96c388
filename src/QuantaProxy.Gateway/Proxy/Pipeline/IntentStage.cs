using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.Audit;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>A mutating call is announced in the chain (<c>proxy.intent</c>), durably, before it is sent.</summary>
public sealed class IntentStage(AuditRecorder audit, TimeProvider time) : IOutboundStage
{
    public async ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct)
    {
        if (!outbound.ResolvedOperation.Mutating) return true;
        await audit.RecordExtraAsync(outbound.Audit, outbound.TenantId, PrefixedId.New(PrefixedId.AuditEvent, time.GetUtcNow()), AuditEventTypes.ProxyIntent, "intent",
            new AuditDetails(IntegrationId: outbound.ResolvedIntegration.Id, Operation: outbound.ResolvedOperation.Name, Detail: $"call_event={outbound.Audit.EventId}"));
        return true;
    }
}
