using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Errors;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>A refused call is a <c>proxy.denied</c> event, stored before the refusal is answered.</summary>
public sealed class ProxyDenials(AuditRecorder audit)
{
    public async Task<ApiException> RecordAsync(OutboundCall call, ApiException refusal)
    {
        await audit.RecordAsync(call.Audit, call.TenantId, AuditEventTypes.ProxyDenied, refusal.Code,
            new AuditDetails(IntegrationId: call.Integration?.Id ?? "", Operation: call.Operation?.Name ?? "",
                Detail: refusal.Field is null ? refusal.Code : $"{refusal.Code};field={refusal.Field}"));
        return refusal;
    }
}
