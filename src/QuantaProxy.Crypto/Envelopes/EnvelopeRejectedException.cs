using System.Security.Cryptography;

namespace QuantaProxy.Crypto.Envelopes;

/// <summary>Why an envelope was refused. Opening never returns plaintext when any check fails.</summary>
public enum EnvelopeRejectionReason
{
    Malformed,
    UnknownField,
    MissingField,
    WrongVersion,
    WrongAlgorithm,
    WrongLength,
    BadBase64,
    BadTimestamp,
    TenantMismatch,
    UnknownEnvelopeKey,
    UnknownSigningKey,
    SignatureInvalid,
    DecryptionFailed,
    NonceMismatch,
    RequestIdMismatch,
    Stale,
}

public sealed class EnvelopeRejectedException(EnvelopeRejectionReason reason, string message) : CryptographicException(message)
{
    public EnvelopeRejectionReason Reason { get; } = reason;
}
