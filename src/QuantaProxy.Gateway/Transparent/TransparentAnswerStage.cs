using System.Globalization;
using System.Security.Cryptography;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Proxy.Pipeline;
using QuantaProxy.Gateway.Telemetry;
using QuantaProxy.Gateway.Tenants;

namespace QuantaProxy.Gateway.Transparent;

/// <summary>
/// The last stage of a transparent call, in place of sealing: Okta's own status, body and headers (links pointed back at
/// the gateway), signed with the tenant's ML-DSA-65 and HMAC-SHA-512 keys over <see cref="TransparentAnswerFormat.SignedMessage"/>,
/// and the <c>proxy.call</c> event naming SHA-256 of that message. As with envelopes, the answer exists only once its event
/// is durable (fail closed); the keys are in hand before anything is recorded, so no key outage can leave an event without
/// its answer's signature.
/// </summary>
public sealed class TransparentAnswerStage(TenantKeyRing keyRing, AuditRecorder audit) : IOutboundStage
{
    public async ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct)
    {
        var exchange = TransparentExchange.Of(outbound);
        var result = outbound.Result!;
        var operation = outbound.ResolvedOperation;
        var integration = outbound.ResolvedIntegration;

        exchange.Status = result.Status;
        exchange.Body = result.Body;
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!result.Body.IsEmpty) headers["content-type"] = "application/json";
        if (TransparentLinks.Rewrite(result.Links, new Uri(integration.OktaDomain), exchange.GatewayBase) is { } link) headers["link"] = link;
        if (result.OktaRequestId is { } requestId) headers["x-okta-request-id"] = requestId;
        if (result.RateLimit is { } rate)
        {
            headers["x-rate-limit-limit"] = rate.Limit.ToString(CultureInfo.InvariantCulture);
            headers["x-rate-limit-remaining"] = rate.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["x-rate-limit-reset"] = rate.Reset.ToString(CultureInfo.InvariantCulture);
        }

        var keys = await keyRing.GetKeysAsync(outbound.TenantId, ct);
        var signingRecord = keys.Active(TenantKeyPurpose.EnvelopeSigning);
        var hmacRecord = keys.Find(signingRecord.Id, TenantKeyPurpose.EnvelopeHmac)
                         ?? throw new InvalidOperationException("The active signing key has no HMAC key beside it.");
        var message = TransparentAnswerFormat.SignedMessage(outbound.TenantId, signingRecord.Id, outbound.Audit.EventId, outbound.RequestId, integration.Id,
            operation.Name, result.Status, name => headers.GetValueOrDefault(name), result.Body.Span);
        var hmacKey = await keyRing.CopyHmacKeyAsync(hmacRecord, ct);
        try
        {
            using var signingKey = await keyRing.LeaseSigningKeyAsync(signingRecord, ct);
            await audit.RecordAsync(outbound.Audit, outbound.TenantId, AuditEventTypes.ProxyCall, result.Success ? "success" : "okta_error",
                new AuditDetails(IntegrationId: integration.Id, Operation: operation.Name, UpstreamStatus: result.Status.ToString(CultureInfo.InvariantCulture),
                    UpstreamRequestId: result.OktaRequestId, ResponseDigest: Convert.ToHexStringLower(SHA256.HashData(message))));
            var pqc = signingKey.Key.Sign(message, TransparentAnswerFormat.SignatureContext);
            var hmac = HMACSHA512.HashData(hmacKey, message);
            foreach (var name in TransparentAnswerFormat.SignedHeaders)
                if (headers.TryGetValue(name, out var value)) exchange.Headers.Add(new(name, value));
            exchange.Headers.Add(new(TransparentAnswerFormat.AuditEventHeader, outbound.Audit.EventId));
            exchange.Headers.Add(new(TransparentAnswerFormat.SignatureHeader, TransparentAnswerFormat.Header(signingRecord.Id, pqc, hmac)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(hmacKey);
        }
        GatewayTelemetry.ProxyCalls.Add(1, new("operation", operation.Name), new("outcome", result.Success ? "success" : "okta_error"));
        return true;
    }
}
