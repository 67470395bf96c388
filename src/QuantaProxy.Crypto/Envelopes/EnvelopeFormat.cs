using System.Globalization;
using QuantaProxy.Crypto.Formats;

namespace QuantaProxy.Crypto.Envelopes;

/// <summary>The constants and derived byte strings of FORMATS.md §1 (qp-envelope-v1).</summary>
public static class EnvelopeFormat
{
    public const string Version = "qp-envelope-v1";
    public const string EncryptionAlgorithm = "ML-KEM-768";
    public const string SignatureAlgorithm = "ML-DSA-65+HMAC-SHA-512";
    public const string SignatureDomain = "qp-envelope-v1/signature";
    public const int NonceSize = 12;
    public const int HmacKeySize = 64;
    public const int HmacSize = 64;
    public const int MaxCiphertextSize = 16 * 1024 * 1024 + 16;

    /// <summary>ML-DSA context string of envelope signatures.</summary>
    public static ReadOnlySpan<byte> SignatureContext => "quantaproxy/envelope/v1"u8;

    /// <summary><c>info = "quantaproxy/envelope/v1" || 0x00 || tenant_id || 0x00 || encrypted.key_id</c>.</summary>
    public static byte[] Info(string tenantId, string envelopeKeyId) =>
        new LengthPrefixedWriter(64).AddRaw("quantaproxy/envelope/v1"u8).AddRaw([0]).AddRaw(System.Text.Encoding.UTF8.GetBytes(tenantId))
            .AddRaw([0]).AddRaw(System.Text.Encoding.UTF8.GetBytes(envelopeKeyId)).ToArray();

    /// <summary><c>aad = F("qp-envelope-v1") || F(tenant_id) || F(encrypted.key_id) || F(audit_event_id) || F(request_id) || F(issued_at) || F(success)</c>.</summary>
    public static byte[] Aad(string tenantId, string envelopeKeyId, string auditEventId, string requestId, string issuedAt, bool success) =>
        new LengthPrefixedWriter(192).Add(Version).Add(tenantId).Add(envelopeKeyId).Add(auditEventId).Add(requestId).Add(issuedAt).Add(success).ToArray();

    /// <summary>The signed message M of §1 step 4 (binary fields raw, not base64).</summary>
    public static byte[] SignedMessage(
        string tenantId, string envelopeKeyId, string encryptionAlgorithm, ReadOnlySpan<byte> ciphertextKem, ReadOnlySpan<byte> nonce,
        ReadOnlySpan<byte> ciphertextData, string auditEventId, string requestId, string issuedAt, bool success, string signingKeyId, string signatureAlgorithm) =>
        new LengthPrefixedWriter(ciphertextKem.Length + ciphertextData.Length + 512)
            .Add(SignatureDomain).Add(tenantId).Add(envelopeKeyId).Add(encryptionAlgorithm).Add(ciphertextKem).Add(nonce).Add(ciphertextData)
            .Add(auditEventId).Add(requestId).Add(issuedAt).Add(success).Add(signingKeyId).Add(signatureAlgorithm).ToArray();

    /// <summary>RFC 3339 UTC with milliseconds, e.g. <c>2026-11-22T13:00:00.123Z</c>.</summary>
    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static bool TryParseTimestamp(string value, out DateTimeOffset result)
    {
        result = default;
        return value.Length == 24 && DateTimeOffset.TryParseExact(value, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out result);
    }
}
