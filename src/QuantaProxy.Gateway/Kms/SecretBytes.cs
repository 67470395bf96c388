using System.Security.Cryptography;

namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// A secret that is used as raw bytes (an HMAC key, for example), held in a pinned array so the garbage collector
/// never leaves copies behind, and zeroed on <see cref="Dispose"/>. The expanded form to give
/// <see cref="UnwrappedKeyCache"/> when there is nothing to expand: <c>expand: SecretBytes.Copy</c>.
/// Safe to read from several threads; never printed by <see cref="ToString"/>.
/// </summary>
public sealed class SecretBytes : IDisposable
{
    private readonly byte[] _bytes;
    private volatile bool _disposed;

    private SecretBytes(byte[] bytes) => _bytes = bytes;

    public static SecretBytes Copy(ReadOnlySpan<byte> secret)
    {
        if (secret.IsEmpty)
            throw new ArgumentException("A secret must not be empty.", nameof(secret));
        var bytes = GC.AllocateUninitializedArray<byte>(secret.Length, pinned: true);
        secret.CopyTo(bytes);
        return new SecretBytes(bytes);
    }

    public int Length => _bytes.Length;

    /// <summary>The secret. Do not keep the span beyond the call that uses it.</summary>
    public ReadOnlySpan<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _bytes;
        }
    }

    /// <summary>The backing array, for tests that check it is zeroed.</summary>
    internal byte[] BackingArrayForTests => _bytes;

    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_bytes);
    }

    public override string ToString() => $"SecretBytes({_bytes.Length} bytes)";
}
