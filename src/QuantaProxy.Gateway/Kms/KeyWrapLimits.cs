using System.Text;

namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// Input bounds shared by both <see cref="IKeyWrapper"/> implementations, so that a request accepted by the local
/// wrapper in development is also accepted by AWS KMS in production (the sizes are AWS KMS's own limits).
/// </summary>
internal static class KeyWrapLimits
{
    /// <summary>AWS KMS <c>Encrypt</c> accepts at most 4096 bytes of plaintext.</summary>
    public const int MaxPlaintextBytes = 4096;

    /// <summary>AWS KMS ciphertext blobs are at most 6144 bytes.</summary>
    public const int MaxCiphertextBytes = 6144;

    /// <summary>Longest key reference (a full alias or key ARN) AWS KMS accepts.</summary>
    public const int MaxKeyIdLength = 2048;

    public const int MaxContextEntries = 16;
    public const int MaxContextKeyBytes = 256;
    public const int MaxContextValueBytes = 1024;

    /// <summary>AWS KMS limits the whole encryption context to 8192 bytes.</summary>
    public const int MaxContextTotalBytes = 8192;

    public static void CheckKeyId(string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        if (keyId.Length == 0 || keyId.Length > MaxKeyIdLength)
            throw new ArgumentException($"The key id must be 1 to {MaxKeyIdLength} characters.", nameof(keyId));
        foreach (var c in keyId)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
                throw new ArgumentException("The key id must not contain white space or control characters.", nameof(keyId));
        }
    }

    public static void CheckPlaintext(ReadOnlyMemory<byte> plaintext)
    {
        if (plaintext.Length == 0 || plaintext.Length > MaxPlaintextBytes)
            throw new ArgumentException($"The plaintext to wrap must be 1 to {MaxPlaintextBytes} bytes.", nameof(plaintext));
    }

    /// <summary>A stored ciphertext of an impossible size is corrupt data, not a programming error: it fails like any bad ciphertext.</summary>
    public static void CheckCiphertext(ReadOnlyMemory<byte> ciphertext, string keyId)
    {
        if (ciphertext.Length == 0 || ciphertext.Length > MaxCiphertextBytes)
            throw new KeyUnwrapException($"The wrapped key for '{keyId}' has an invalid length ({ciphertext.Length} bytes).");
    }

    /// <summary>
    /// Every wrap is bound to a context: an empty one would let a ciphertext be replayed for another tenant or purpose.
    /// Entries are checked for emptiness and size; the values are ids, never secrets (AWS logs them in CloudTrail).
    /// </summary>
    public static void CheckContext(IReadOnlyDictionary<string, string> encryptionContext)
    {
        ArgumentNullException.ThrowIfNull(encryptionContext);
        if (encryptionContext.Count == 0 || encryptionContext.Count > MaxContextEntries)
            throw new ArgumentException($"The encryption context must have 1 to {MaxContextEntries} entries.", nameof(encryptionContext));
        var total = 0;
        foreach (var (key, value) in encryptionContext)
        {
            if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(value))
                throw new ArgumentException("Encryption context keys and values must not be empty.", nameof(encryptionContext));
            var keyBytes = Encoding.UTF8.GetByteCount(key);
            var valueBytes = Encoding.UTF8.GetByteCount(value);
            if (keyBytes > MaxContextKeyBytes || valueBytes > MaxContextValueBytes)
                throw new ArgumentException($"An encryption context key is longer than {MaxContextKeyBytes} bytes or a value longer than {MaxContextValueBytes} bytes.", nameof(encryptionContext));
            total += keyBytes + valueBytes;
        }
        if (total > MaxContextTotalBytes)
            throw new ArgumentException($"The encryption context is longer than {MaxContextTotalBytes} bytes.", nameof(encryptionContext));
    }
}
