namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// Wraps and unwraps small secrets (private key seeds, HMAC keys) under a tenant's key-encryption key,
/// bound to an encryption context (FORMATS.md §2: <c>qp:tenant</c>, <c>qp:purpose</c>, <c>qp:key</c>).
/// </summary>
/// <remarks>
/// Failures are reported with two exceptions whose difference matters to callers:
/// <see cref="KmsUnavailableException"/> (transient: answer 503 <c>kms_unavailable</c>, try again later) and
/// <see cref="KeyUnwrapException"/> / <see cref="KeyWrapException"/> (the key service refused this key, ciphertext or
/// context: retrying the same call cannot succeed). Invalid arguments are <see cref="ArgumentException"/>.
/// </remarks>
public interface IKeyWrapper
{
    /// <summary><c>aws-kms</c> or <c>local</c>.</summary>
    string Provider { get; }

    /// <summary>Encrypts <paramref name="plaintext"/> (1 to 4096 bytes) under <paramref name="keyId"/>, bound to <paramref name="encryptionContext"/>.</summary>
    /// <param name="keyId">The tenant's key reference (ARN, key id or alias). The local wrapper binds it to the ciphertext as a label.</param>
    /// <param name="plaintext">The secret to wrap. Not modified; the caller still owns (and zeroes) it.</param>
    /// <param name="encryptionContext">At least one entry; the same entries must be given to unwrap.</param>
    /// <param name="ct">Cancels the call.</param>
    Task<byte[]> WrapAsync(string keyId, ReadOnlyMemory<byte> plaintext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct);

    /// <summary>Decrypts a ciphertext produced by <see cref="WrapAsync"/> with the same key and encryption context.</summary>
    /// <returns>A new array holding the secret: the caller owns it and must zero it after use.</returns>
    Task<byte[]> UnwrapAsync(string keyId, ReadOnlyMemory<byte> ciphertext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct);

    /// <summary>For <c>/readyz</c>: true when the key service answers and the configured key is usable. Never throws except for cancellation.</summary>
    Task<bool> CheckReachableAsync(CancellationToken ct);
}
