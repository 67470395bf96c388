using System.Security.Cryptography;
using QuantaProxy.Crypto.Hpke;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Crypto.Envelopes;

/// <summary>
/// Seals answers for one tenant (FORMATS.md §1): HPKE to the tenant's envelope key, then ML-DSA-65 and HMAC-SHA-512 over
/// the signed message. Thread-safe; <see cref="Dispose"/> zeroes its copy of the HMAC key.
/// </summary>
public sealed class EnvelopeSealer : IDisposable
{
    private readonly string _tenantId;
    private readonly string _envelopeKeyId;
    private readonly MlKem768PublicKey _recipient;
    private readonly string _signingKeyId;
    private readonly MlDsa65PrivateKey _signingKey;
    private readonly byte[] _hmacKey;
    private readonly byte[] _info;

    public EnvelopeSealer(string tenantId, string envelopeKeyId, MlKem768PublicKey recipient, string signingKeyId, MlDsa65PrivateKey signingKey, ReadOnlySpan<byte> hmacKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(envelopeKeyId);
        ArgumentException.ThrowIfNullOrEmpty(signingKeyId);
        if (hmacKey.Length != EnvelopeFormat.HmacKeySize) throw new ArgumentException("The HMAC key must be 64 bytes.", nameof(hmacKey));
        _tenantId = tenantId;
        _envelopeKeyId = envelopeKeyId;
        _recipient = recipient ?? throw new ArgumentNullException(nameof(recipient));
        _signingKeyId = signingKeyId;
        _signingKey = signingKey ?? throw new ArgumentNullException(nameof(signingKey));
        _hmacKey = hmacKey.ToArray();
        _info = EnvelopeFormat.Info(tenantId, envelopeKeyId);
    }

    public SealedEnvelope Seal(ReadOnlySpan<byte> plaintext, bool success, string auditEventId, string requestId, DateTimeOffset issuedAt) =>
        Sign(Encrypt(plaintext, success, auditEventId, requestId, issuedAt));

    /// <summary>
    /// The first half of <see cref="Seal"/>: encrypts to the tenant and builds the signed message M, whose digest is
    /// known from here on. A caller can store what M's digest commits to (the audit event) while <see cref="Sign"/> runs.
    /// </summary>
    public EncryptedEnvelope Encrypt(ReadOnlySpan<byte> plaintext, bool success, string auditEventId, string requestId, DateTimeOffset issuedAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(auditEventId);
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        var issued = EnvelopeFormat.FormatTimestamp(issuedAt);
        var aad = EnvelopeFormat.Aad(_tenantId, _envelopeKeyId, auditEventId, requestId, issued, success);
        var (enc, context) = HpkeMlKem768.SetupBaseSender(_recipient, _info);
        byte[] ciphertext;
        byte[] nonce;
        using (context)
        {
            nonce = context.BaseNonce.ToArray();
            ciphertext = context.Seal(aad, plaintext);
        }
        var message = EnvelopeFormat.SignedMessage(_tenantId, _envelopeKeyId, EnvelopeFormat.EncryptionAlgorithm, enc, nonce, ciphertext,
            auditEventId, requestId, issued, success, _signingKeyId, EnvelopeFormat.SignatureAlgorithm);
        return new EncryptedEnvelope(this, success, enc, ciphertext, nonce, auditEventId, requestId, issued, message);
    }

    /// <summary>The second half of <see cref="Seal"/>: ML-DSA-65 and HMAC-SHA-512 over M. Only for envelopes this sealer encrypted.</summary>
    public SealedEnvelope Sign(EncryptedEnvelope encrypted)
    {
        ArgumentNullException.ThrowIfNull(encrypted);
        if (!ReferenceEquals(encrypted.Sealer, this)) throw new ArgumentException("The envelope was encrypted by another sealer.", nameof(encrypted));
        var message = encrypted.SignedMessage;
        var pqc = _signingKey.Sign(message, EnvelopeFormat.SignatureContext);
        var hmac = HMACSHA512.HashData(_hmacKey, message);
        var envelope = new HybridCryptoEnvelope
        {
            Success = encrypted.Success,
            TenantId = _tenantId,
            EnvelopeKeyId = _envelopeKeyId,
            CiphertextKem = encrypted.CiphertextKem,
            CiphertextData = encrypted.CiphertextData,
            Nonce = encrypted.Nonce,
            SignatureTenantId = _tenantId,
            SigningKeyId = _signingKeyId,
            PqcSignature = pqc,
            HmacSignature = hmac,
            AuditEventId = encrypted.AuditEventId,
            RequestId = encrypted.RequestId,
            IssuedAt = encrypted.IssuedAt,
        };
        return new SealedEnvelope(envelope, encrypted.ResponseDigestHex);
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_hmacKey);
}

/// <summary>An envelope encrypted and framed but not yet signed (<see cref="EnvelopeSealer.Encrypt"/>).</summary>
public sealed class EncryptedEnvelope
{
    internal EncryptedEnvelope(EnvelopeSealer sealer, bool success, byte[] ciphertextKem, byte[] ciphertextData, byte[] nonce, string auditEventId, string requestId, string issuedAt, byte[] signedMessage)
    {
        Sealer = sealer;
        Success = success;
        CiphertextKem = ciphertextKem;
        CiphertextData = ciphertextData;
        Nonce = nonce;
        AuditEventId = auditEventId;
        RequestId = requestId;
        IssuedAt = issuedAt;
        SignedMessage = signedMessage;
        ResponseDigestHex = Convert.ToHexStringLower(SHA256.HashData(signedMessage));
    }

    internal EnvelopeSealer Sealer { get; }
    internal bool Success { get; }
    internal byte[] CiphertextKem { get; }
    internal byte[] CiphertextData { get; }
    internal byte[] Nonce { get; }
    internal string AuditEventId { get; }
    internal string RequestId { get; }
    internal string IssuedAt { get; }
    internal byte[] SignedMessage { get; }

    /// <summary>Lowercase hex SHA-256 of the signed message M (FORMATS.md §3 <c>response_digest</c>), the same the sealed envelope will carry.</summary>
    public string ResponseDigestHex { get; }
}

/// <summary>A sealed envelope and the digest of its signed message (the audit event's <c>response_digest</c>).</summary>
public sealed class SealedEnvelope(HybridCryptoEnvelope envelope, string responseDigestHex)
{
    public HybridCryptoEnvelope Envelope { get; } = envelope;

    /// <summary>Lowercase hex SHA-256 of the signed message M (FORMATS.md §3 <c>response_digest</c>).</summary>
    public string ResponseDigestHex { get; } = responseDigestHex;

    public byte[] ToUtf8Json() => Envelope.ToUtf8Json();
}
