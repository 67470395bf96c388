using System.Security.Cryptography;
using QuantaProxy.Crypto.Hpke;

namespace QuantaProxy.Crypto.Envelopes;

/// <summary>
/// Verifies and opens envelopes with a tenant's key bundle (FORMATS.md §1 "Opening"). Both signature checks always run
/// and are combined with a non-short-circuit <c>&amp;</c>, so the time taken and the code path do not reveal which one
/// failed; only then is the ciphertext decrypted and the derived base nonce compared (in constant time) with the
/// envelope's. Any failure throws <see cref="EnvelopeRejectedException"/> and never yields plaintext.
/// </summary>
public sealed class EnvelopeOpener(TenantKeyBundle bundle)
{
    /// <summary>Counts of the two signature checks on this thread, so a test can prove both ran. Not a configuration knob.</summary>
    [ThreadStatic] internal static int PqcChecks;
    [ThreadStatic] internal static int HmacChecks;

    public OpenedEnvelope Open(ReadOnlySpan<byte> utf8Json) => Open(HybridCryptoEnvelope.Parse(utf8Json));

    public OpenedEnvelope Open(HybridCryptoEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        if (!string.Equals(envelope.TenantId, bundle.TenantId, StringComparison.Ordinal))
            throw new EnvelopeRejectedException(EnvelopeRejectionReason.TenantMismatch, "the envelope is for another tenant");
        var envelopeKey = bundle.FindEnvelopeKey(envelope.EnvelopeKeyId)
                          ?? throw new EnvelopeRejectedException(EnvelopeRejectionReason.UnknownEnvelopeKey, "the envelope key is not in the bundle");
        var signingKey = bundle.FindSigningKey(envelope.SigningKeyId)
                         ?? throw new EnvelopeRejectedException(EnvelopeRejectionReason.UnknownSigningKey, "the signing key is not in the bundle");

        var message = envelope.SignedMessage();
        var pqcValid = VerifyPqc(signingKey, message, envelope.PqcSignature);
        var hmacValid = VerifyHmac(message, envelope.HmacSignature);
        if (!(pqcValid & hmacValid))
            throw new EnvelopeRejectedException(EnvelopeRejectionReason.SignatureInvalid, "the envelope's signatures do not verify");

        var info = EnvelopeFormat.Info(envelope.TenantId, envelope.EnvelopeKeyId);
        var aad = EnvelopeFormat.Aad(envelope.TenantId, envelope.EnvelopeKeyId, envelope.AuditEventId, envelope.RequestId, envelope.IssuedAt, envelope.Success);
        using var context = HpkeMlKem768.SetupBaseRecipient(envelope.CiphertextKem, envelopeKey.PrivateKey, info);
        if (!CryptographicOperations.FixedTimeEquals(context.BaseNonce, envelope.Nonce))
            throw new EnvelopeRejectedException(EnvelopeRejectionReason.NonceMismatch, "the envelope's nonce is not the one its key schedule derives");
        byte[] plaintext;
        try
        {
            plaintext = context.Open(aad, envelope.CiphertextData);
        }
        catch (CryptographicException)
        {
            throw new EnvelopeRejectedException(EnvelopeRejectionReason.DecryptionFailed, "the envelope does not decrypt");
        }
        if (!EnvelopeFormat.TryParseTimestamp(envelope.IssuedAt, out var issuedAt))
            throw new EnvelopeRejectedException(EnvelopeRejectionReason.BadTimestamp, "issued_at is not RFC 3339 UTC with milliseconds");
        return new OpenedEnvelope(plaintext, envelope.Success, envelope.TenantId, envelope.AuditEventId, envelope.RequestId, issuedAt,
            envelope.EnvelopeKeyId, envelope.SigningKeyId, Convert.ToHexStringLower(SHA256.HashData(message)));
    }

    private static bool VerifyPqc(TenantKeyBundle.SigningKey key, byte[] message, byte[] signature)
    {
        PqcChecks++;
        return key.PublicKey.Verify(message, EnvelopeFormat.SignatureContext, signature);
    }

    private bool VerifyHmac(byte[] message, byte[] mac)
    {
        HmacChecks++;
        Span<byte> expected = stackalloc byte[EnvelopeFormat.HmacSize];
        HMACSHA512.HashData(bundle.HmacKey, message, expected);
        return CryptographicOperations.FixedTimeEquals(expected, mac);
    }
}

/// <summary>A verified, decrypted envelope. <see cref="Plaintext"/> is the caller's to zero when it is sensitive.</summary>
public sealed record OpenedEnvelope(
    byte[] Plaintext,
    bool Success,
    string TenantId,
    string AuditEventId,
    string RequestId,
    DateTimeOffset IssuedAt,
    string EnvelopeKeyId,
    string SigningKeyId,
    string SignedMessageDigestHex);
