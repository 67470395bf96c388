using System.Buffers;
using System.Text.Json;

namespace QuantaProxy.Crypto.Envelopes;

/// <summary>
/// The HybridCryptoEnvelope of FORMATS.md §1, with binary fields decoded. <see cref="Parse"/> is strict: unknown or missing
/// members, duplicate properties, wrong JSON types, non-canonical base64, wrong lengths and a wrong version are all
/// refused with a specific <see cref="EnvelopeRejectionReason"/>.
/// </summary>
public sealed class HybridCryptoEnvelope
{
    public const int MaxJsonBytes = 24 * 1024 * 1024;

    public required bool Success { get; init; }
    public required string TenantId { get; init; }
    public required string EnvelopeKeyId { get; init; }
    public required byte[] CiphertextKem { get; init; }
    public required byte[] CiphertextData { get; init; }
    public required byte[] Nonce { get; init; }
    public required string SignatureTenantId { get; init; }
    public required string SigningKeyId { get; init; }
    public required byte[] PqcSignature { get; init; }
    public required byte[] HmacSignature { get; init; }
    public required string AuditEventId { get; init; }
    public required string RequestId { get; init; }
    public required string IssuedAt { get; init; }
    public string EncryptionAlgorithm { get; init; } = EnvelopeFormat.EncryptionAlgorithm;
    public string SignatureAlgorithm { get; init; } = EnvelopeFormat.SignatureAlgorithm;

    private static readonly string[] TopLevel = ["success", "version", "encrypted", "signature", "audit_event_id", "request_id", "issued_at"];
    private static readonly string[] EncryptedMembers = ["ciphertext_kem", "ciphertext_data", "nonce", "tenant_id", "key_id", "algorithm"];
    private static readonly string[] SignatureMembers = ["pqc_signature", "hmac_signature", "tenant_id", "key_id", "algorithm"];

    /// <summary>The signed message M of this envelope.</summary>
    public byte[] SignedMessage() => EnvelopeFormat.SignedMessage(TenantId, EnvelopeKeyId, EncryptionAlgorithm, CiphertextKem, Nonce, CiphertextData,
        AuditEventId, RequestId, IssuedAt, Success, SigningKeyId, SignatureAlgorithm);

    public byte[] ToUtf8Json()
    {
        var buffer = new ArrayBufferWriter<byte>(CiphertextData.Length * 4 / 3 + 8192);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteBoolean("success", Success);
            w.WriteString("version", EnvelopeFormat.Version);
            w.WriteStartObject("encrypted");
            w.WriteBase64String("ciphertext_kem", CiphertextKem);
            w.WriteBase64String("ciphertext_data", CiphertextData);
            w.WriteBase64String("nonce", Nonce);
            w.WriteString("tenant_id", TenantId);
            w.WriteString("key_id", EnvelopeKeyId);
            w.WriteString("algorithm", EncryptionAlgorithm);
            w.WriteEndObject();
            w.WriteStartObject("signature");
            w.WriteBase64String("pqc_signature", PqcSignature);
            w.WriteBase64String("hmac_signature", HmacSignature);
            w.WriteString("tenant_id", SignatureTenantId);
            w.WriteString("key_id", SigningKeyId);
            w.WriteString("algorithm", SignatureAlgorithm);
            w.WriteEndObject();
            w.WriteString("audit_event_id", AuditEventId);
            w.WriteString("request_id", RequestId);
            w.WriteString("issued_at", IssuedAt);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    public static HybridCryptoEnvelope Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length > MaxJsonBytes) throw Reject(EnvelopeRejectionReason.WrongLength, "envelope is larger than allowed");
        // The JSON reader does not check UTF-8 inside strings; reading such a string later would throw
        // InvalidOperationException instead of the typed refusal (found by the envelope fuzz test).
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json)) throw Reject(EnvelopeRejectionReason.Malformed, "envelope is not UTF-8");
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 4, CommentHandling = JsonCommentHandling.Disallow });
            document = JsonDocument.ParseValue(ref reader);
            if (reader.Read()) throw Reject(EnvelopeRejectionReason.Malformed, "trailing data after the envelope");
        }
        catch (JsonException)
        {
            throw Reject(EnvelopeRejectionReason.Malformed, "envelope is not valid JSON");
        }
        using (document)
        {
            try
            {
                return FromDocument(document.RootElement);
            }
            catch (InvalidOperationException)
            {
                // A string escape that is not Unicode (a lone surrogate such as \ud800) surfaces only when read.
                throw Reject(EnvelopeRejectionReason.Malformed, "envelope has a string that is not valid Unicode");
            }
        }
    }

    private static HybridCryptoEnvelope FromDocument(JsonElement root)
    {
        ExpectMembers(root, TopLevel, "envelope");
        if (root.GetProperty("version").ValueKind != JsonValueKind.String || root.GetProperty("version").GetString() != EnvelopeFormat.Version)
            throw Reject(EnvelopeRejectionReason.WrongVersion, "version is not qp-envelope-v1");
        var encrypted = root.GetProperty("encrypted");
        var signature = root.GetProperty("signature");
        ExpectMembers(encrypted, EncryptedMembers, "encrypted");
        ExpectMembers(signature, SignatureMembers, "signature");
        var successElement = root.GetProperty("success");
        if (successElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw Reject(EnvelopeRejectionReason.Malformed, "success must be a boolean");
        var encryptionAlgorithm = String(encrypted, "algorithm", "encrypted.algorithm");
        var signatureAlgorithm = String(signature, "algorithm", "signature.algorithm");
        if (encryptionAlgorithm != EnvelopeFormat.EncryptionAlgorithm) throw Reject(EnvelopeRejectionReason.WrongAlgorithm, "encrypted.algorithm is not ML-KEM-768");
        if (signatureAlgorithm != EnvelopeFormat.SignatureAlgorithm) throw Reject(EnvelopeRejectionReason.WrongAlgorithm, "signature.algorithm is not ML-DSA-65+HMAC-SHA-512");
        var issuedAt = String(root, "issued_at", "issued_at");
        if (!EnvelopeFormat.TryParseTimestamp(issuedAt, out _)) throw Reject(EnvelopeRejectionReason.BadTimestamp, "issued_at is not RFC 3339 UTC with milliseconds");
        var tenantId = String(encrypted, "tenant_id", "encrypted.tenant_id");
        var signatureTenantId = String(signature, "tenant_id", "signature.tenant_id");
        if (!string.Equals(tenantId, signatureTenantId, StringComparison.Ordinal)) throw Reject(EnvelopeRejectionReason.TenantMismatch, "encrypted and signature name different tenants");
        return new HybridCryptoEnvelope
        {
            Success = successElement.GetBoolean(),
            TenantId = tenantId,
            EnvelopeKeyId = String(encrypted, "key_id", "encrypted.key_id"),
            CiphertextKem = Base64(encrypted, "ciphertext_kem", "encrypted.ciphertext_kem", Primitives.MlKem768.CiphertextSize, Primitives.MlKem768.CiphertextSize),
            CiphertextData = Base64(encrypted, "ciphertext_data", "encrypted.ciphertext_data", 16, EnvelopeFormat.MaxCiphertextSize),
            Nonce = Base64(encrypted, "nonce", "encrypted.nonce", EnvelopeFormat.NonceSize, EnvelopeFormat.NonceSize),
            SignatureTenantId = signatureTenantId,
            SigningKeyId = String(signature, "key_id", "signature.key_id"),
            PqcSignature = Base64(signature, "pqc_signature", "signature.pqc_signature", Primitives.MlDsa65.SignatureSize, Primitives.MlDsa65.SignatureSize),
            HmacSignature = Base64(signature, "hmac_signature", "signature.hmac_signature", EnvelopeFormat.HmacSize, EnvelopeFormat.HmacSize),
            AuditEventId = String(root, "audit_event_id", "audit_event_id"),
            RequestId = String(root, "request_id", "request_id"),
            IssuedAt = issuedAt,
            EncryptionAlgorithm = encryptionAlgorithm,
            SignatureAlgorithm = signatureAlgorithm,
        };
    }

    private static void ExpectMembers(JsonElement element, string[] names, string where)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Reject(EnvelopeRejectionReason.Malformed, $"{where} must be an object");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (!seen.Add(property.Name)) throw Reject(EnvelopeRejectionReason.Malformed, $"duplicate member in {where}");
            if (Array.IndexOf(names, property.Name) < 0) throw Reject(EnvelopeRejectionReason.UnknownField, $"unknown member in {where}");
        }
        foreach (var name in names)
            if (!seen.Contains(name)) throw Reject(EnvelopeRejectionReason.MissingField, $"{where}.{name} is missing");
    }

    private static string String(JsonElement parent, string name, string path)
    {
        var value = parent.GetProperty(name);
        if (value.ValueKind != JsonValueKind.String) throw Reject(EnvelopeRejectionReason.Malformed, $"{path} must be a string");
        var text = value.GetString()!;
        if (text.Length is 0 or > 256) throw Reject(EnvelopeRejectionReason.WrongLength, $"{path} has a wrong length");
        return text;
    }

    /// <summary>Standard base64 with padding, canonical only (re-encoding gives the same text), of a bounded decoded length.</summary>
    private static byte[] Base64(JsonElement parent, string name, string path, int minLength, int maxLength)
    {
        var value = parent.GetProperty(name);
        if (value.ValueKind != JsonValueKind.String) throw Reject(EnvelopeRejectionReason.Malformed, $"{path} must be a string");
        var text = value.GetString()!;
        if (text.Length % 4 != 0 || text.Length > (maxLength + 2) / 3 * 4) throw Reject(EnvelopeRejectionReason.BadBase64, $"{path} is not valid base64 of an allowed length");
        foreach (var c in text)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=')) throw Reject(EnvelopeRejectionReason.BadBase64, $"{path} is not valid base64");
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw Reject(EnvelopeRejectionReason.BadBase64, $"{path} is not valid base64");
        }
        if (!string.Equals(Convert.ToBase64String(bytes), text, StringComparison.Ordinal)) throw Reject(EnvelopeRejectionReason.BadBase64, $"{path} is not canonical base64");
        if (bytes.Length < minLength || bytes.Length > maxLength) throw Reject(EnvelopeRejectionReason.WrongLength, $"{path} has a wrong length");
        return bytes;
    }

    private static EnvelopeRejectedException Reject(EnvelopeRejectionReason reason, string message) => new(reason, message);
}
