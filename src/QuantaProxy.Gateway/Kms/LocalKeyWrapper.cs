using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// The embedded development key wrapper: AES-256-GCM under a 32-byte master key kept in a 0600 file in the data
/// folder. Anyone who can read that file can unwrap every tenant key, which is why production uses AWS KMS.
/// </summary>
/// <remarks>
/// Ciphertext format, version 1: <c>0x01 || nonce (12 bytes, random) || AES-256-GCM ciphertext || tag (16 bytes)</c>,
/// with <see cref="LocalWrapAad"/> (key id and sorted, length-prefixed encryption context) as additional data.
/// Random 96-bit nonces are safe here because a master key wraps few secrets (one per tenant key), far below the
/// 2^32 messages NIST SP 800-38D allows per key.
/// </remarks>
public sealed class LocalKeyWrapper : IKeyWrapper, IDisposable
{
    public const string ProviderName = "local";

    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int Overhead = 1 + NonceSize + TagSize;

    private readonly byte[] _masterKey;
    // Serialises use of the key with Dispose, so no call can run with a key that is being zeroed.
    private readonly Lock _gate = new();
    private bool _disposed;

    private LocalKeyWrapper(byte[] masterKey, string masterKeyPath)
    {
        _masterKey = masterKey;
        MasterKeyPath = masterKeyPath;
    }

    /// <summary>
    /// Opens the master key file at <paramref name="masterKeyPath"/>, creating it (mode 0600, and its folder 0700)
    /// when absent. Throws <see cref="InvalidOperationException"/>, naming the problem, when an existing file is a
    /// symbolic link, is not exactly 32 bytes, or has a mode broader than 0600.
    /// </summary>
    public static LocalKeyWrapper OpenOrCreate(string masterKeyPath, ILogger<LocalKeyWrapper> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(masterKeyPath);
        ArgumentNullException.ThrowIfNull(logger);
        var fullPath = Path.GetFullPath(masterKeyPath);
        var key = LocalMasterKeyFile.LoadOrCreate(fullPath, logger);
        logger.LogWarning(
            "KMS provider 'local' is for development only: tenant keys are wrapped under the master key file {MasterKeyPath}, and anyone who can read that file can unwrap them. " +
            "In production set QuantaProxy__Kms__Provider=AwsKms with QuantaProxy__Kms__Region and QuantaProxy__Kms__KeyId.",
            fullPath);
        if (OperatingSystem.IsWindows())
            logger.LogWarning("File modes are not enforced on Windows: protect {MasterKeyPath} with an ACL that only the gateway's account can read.", fullPath);
        return new LocalKeyWrapper(key, fullPath);
    }

    public string Provider => ProviderName;

    /// <summary>Absolute path of the master key file.</summary>
    public string MasterKeyPath { get; }

    public Task<byte[]> WrapAsync(string keyId, ReadOnlyMemory<byte> plaintext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct)
    {
        KeyWrapLimits.CheckKeyId(keyId);
        KeyWrapLimits.CheckPlaintext(plaintext);
        KeyWrapLimits.CheckContext(encryptionContext);
        ct.ThrowIfCancellationRequested();

        var aad = LocalWrapAad.Build(keyId, encryptionContext);
        var output = new byte[Overhead + plaintext.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        var ciphertext = output.AsSpan(1 + NonceSize, plaintext.Length);
        var tag = output.AsSpan(1 + NonceSize + plaintext.Length, TagSize);
        RandomNumberGenerator.Fill(nonce);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var aes = new AesGcm(_masterKey, TagSize);
            aes.Encrypt(nonce, plaintext.Span, ciphertext, tag, aad);
        }
        return Task.FromResult(output);
    }

    public Task<byte[]> UnwrapAsync(string keyId, ReadOnlyMemory<byte> ciphertext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct)
    {
        KeyWrapLimits.CheckKeyId(keyId);
        KeyWrapLimits.CheckContext(encryptionContext);
        KeyWrapLimits.CheckCiphertext(ciphertext, keyId);
        ct.ThrowIfCancellationRequested();

        var input = ciphertext.Span;
        if (input.Length <= Overhead)
            throw new KeyUnwrapException($"The locally wrapped key for '{keyId}' is too short ({input.Length} bytes).");
        if (input[0] != FormatVersion)
            throw new KeyUnwrapException($"The locally wrapped key for '{keyId}' has unknown format version {input[0]}.");

        var aad = LocalWrapAad.Build(keyId, encryptionContext);
        var length = input.Length - Overhead;
        var plaintext = new byte[length];
        try
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                using var aes = new AesGcm(_masterKey, TagSize);
                aes.Decrypt(input.Slice(1, NonceSize), input.Slice(1 + NonceSize, length), input.Slice(1 + NonceSize + length, TagSize), plaintext, aad);
            }
            return Task.FromResult(plaintext);
        }
        catch (AuthenticationTagMismatchException e)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new KeyUnwrapException($"The locally wrapped key for '{keyId}' does not authenticate: wrong master key, key id or encryption context, or damaged ciphertext.", e);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw;
        }
    }

    public Task<bool> CheckReachableAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(!_disposed);
        }
    }

    /// <summary>Zeroes the master key; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            CryptographicOperations.ZeroMemory(_masterKey);
        }
    }
}
