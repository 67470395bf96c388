using System.Globalization;
using System.Security.Cryptography;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Envelopes;
using QuantaProxy.Gateway.Telemetry;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>
/// Okta's answer sealed to the tenant and signed, while its event — which names the digest of the signed message, known
/// before the signature — is written; the answer exists only once both are done (fail closed).
/// </summary>
public sealed class SealAndRecordStage(EnvelopeService envelopes, AuditRecorder audit) : IOutboundStage
{
    public async ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct)
    {
        var result = outbound.Result!;
        var operation = outbound.ResolvedOperation;
        var plaintext = result.ToPlaintextJson(operation.Name);
        try
        {
            var sealedEnvelope = await envelopes.SealWhileRecordingAsync(outbound.TenantId, plaintext, result.Success, outbound.Audit.EventId, outbound.RequestId,
                responseDigest => audit.RecordAsync(outbound.Audit, outbound.TenantId, AuditEventTypes.ProxyCall, result.Success ? "success" : "okta_error",
                    new AuditDetails(IntegrationId: outbound.ResolvedIntegration.Id, Operation: operation.Name,
                        UpstreamStatus: result.Status.ToString(CultureInfo.InvariantCulture), UpstreamRequestId: result.OktaRequestId, ResponseDigest: responseDigest)),
                ct);
            outbound.Envelope = sealedEnvelope.ToUtf8Json();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
        GatewayTelemetry.ProxyCalls.Add(1, new("operation", operation.Name), new("outcome", result.Success ? "success" : "okta_error"));
        return true;
    }
}
