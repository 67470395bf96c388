using System.Collections.Concurrent;
using System.Security.Cryptography;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Crypto.Primitives;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Tenants;

namespace QuantaProxy.Gateway.Envelopes;

/// <summary>Seals an answer to a tenant: its newest envelope key, its active signing key and its HMAC key.</summary>
public sealed class EnvelopeService(TenantKeyRing keyRing, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, MlKem768PublicKey> _recipients = new(StringComparer.Ordinal);

    public Task<SealedEnvelope> SealAsync(string tenantId, ReadOnlyMemory<byte> plaintext, bool success, string auditEventId, string requestId, CancellationToken ct) =>
        SealCoreAsync(tenantId, plaintext, success, auditEventId, requestId, recordDigest: null, ct);

    /// <summary>
    /// Seals like <see cref="SealAsync"/>, and stores what the answer commits to with <paramref name="recordDigest"/>
    /// (given the <c>response_digest</c>) while the ML-DSA signature is computed on another thread: the audit write and
    /// the signature, the two slowest steps after the Okta call, overlap instead of adding up. The answer exists only
    /// once both have finished; a failed record fails the call (fail closed) after the signing has stopped using the key.
    /// </summary>
    /// <remarks>Every key is in hand before anything is recorded (the signing key is leased, so no cache expiry or KMS
    /// outage can stop the signature after the event naming it is durable).</remarks>
    public Task<SealedEnvelope> SealWhileRecordingAsync(string tenantId, ReadOnlyMemory<byte> plaintext, bool success, string auditEventId, string requestId,
        Func<string, Task> recordDigest, CancellationToken ct) =>
        SealCoreAsync(tenantId, plaintext, success, auditEventId, requestId, recordDigest ?? throw new ArgumentNullException(nameof(recordDigest)), ct);

    private async Task<SealedEnvelope> SealCoreAsync(string tenantId, ReadOnlyMemory<byte> plaintext, bool success, string auditEventId, string requestId,
        Func<string, Task>? recordDigest, CancellationToken ct)
    {
        using var activity = Telemetry.GatewayTelemetry.Source.StartActivity("envelope.seal");
        activity?.SetTag("qp.tenant_id", tenantId);
        activity?.SetTag("qp.plaintext_bytes", plaintext.Length);
        var keys = await keyRing.GetKeysAsync(tenantId, ct);
        var envelopeKey = keys.CurrentEnvelopeKey
                          ?? throw new ApiException(StatusCodes.Status409Conflict, ProblemCodes.NoEnvelopeKey,
                              "The tenant has no envelope key: register one with POST /api/v2/tenants/{id}/envelope-keys.");
        var signingRecord = keys.Active(TenantKeyPurpose.EnvelopeSigning);
        var hmacRecord = keys.Find(signingRecord.Id, TenantKeyPurpose.EnvelopeHmac)
                         ?? throw new InvalidOperationException("The active signing key has no HMAC key beside it.");
        var recipient = _recipients.GetOrAdd(envelopeKey.Id, static (_, bytes) => MlKem768PublicKey.FromEncoding(bytes), envelopeKey.PublicKey);
        var hmacKey = await keyRing.CopyHmacKeyAsync(hmacRecord, ct);
        try
        {
            using var signingKey = await keyRing.LeaseSigningKeyAsync(signingRecord, ct);
            using var sealer = new EnvelopeSealer(tenantId, envelopeKey.Id, recipient, signingRecord.Id, signingKey.Key, hmacKey);
            var encrypted = Encrypt(sealer, plaintext.Span, success, auditEventId, requestId);
            if (recordDigest is null) return Sign(sealer, encrypted);

            var signing = Task.Run(() => Sign(sealer, encrypted), CancellationToken.None);
            Exception? recordFailure = null;
            try
            {
                await recordDigest(encrypted.ResponseDigestHex);
            }
            catch (Exception e)
            {
                recordFailure = e;
            }
            // The sealer and the leased key stay alive until the signature is done, whatever the record did.
            var sealedEnvelope = await signing;
            if (recordFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(recordFailure);
            return sealedEnvelope;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(hmacKey);
        }
    }

    // Own spans for the two halves, so a trace shows whether the signature or the audit write was the longer wait.
    private EncryptedEnvelope Encrypt(EnvelopeSealer sealer, ReadOnlySpan<byte> plaintext, bool success, string auditEventId, string requestId)
    {
        using var activity = Telemetry.GatewayTelemetry.Source.StartActivity("envelope.encrypt");
        return sealer.Encrypt(plaintext, success, auditEventId, requestId, time.GetUtcNow());
    }

    private static SealedEnvelope Sign(EnvelopeSealer sealer, EncryptedEnvelope encrypted)
    {
        using var activity = Telemetry.GatewayTelemetry.Source.StartActivity("envelope.sign");
        return sealer.Sign(encrypted);
    }
}
