using System.Buffers.Binary;
using System.Security.Cryptography;

namespace QuantaProxy.Crypto.Hpke;

/// <summary>
/// An RFC 9180 encryption context (§5.2): AES-GCM under the schedule's key, nonce = base_nonce XOR I2OSP(seq, Nn),
/// sequence number incremented per message. One context serves one direction; it is not thread-safe.
/// </summary>
public sealed class HpkeContext : IDisposable
{
    public const int TagSize = 16;
    private readonly AesGcm _aead;
    private readonly byte[] _baseNonce;
    private ulong _sequence;

    internal HpkeContext(HpkeKeyMaterial material)
    {
        _aead = new AesGcm(material.Key, TagSize);
        _baseNonce = (byte[])material.BaseNonce.Clone();
        ExporterSecret = material.ExporterSecret;
    }

    /// <summary>Builds a context straight from a key and base nonce (for RFC 9180 vector tests).</summary>
    public static HpkeContext FromKey(ReadOnlySpan<byte> key, ReadOnlySpan<byte> baseNonce) =>
        new(new HpkeKeyMaterial(key.ToArray(), baseNonce.ToArray(), new byte[HpkeKeySchedule.Nh], []));

    public ReadOnlySpan<byte> BaseNonce => _baseNonce;

    internal byte[] ExporterSecret { get; }

    public ulong Sequence => _sequence;

    /// <summary>Encrypts the next message; returns ciphertext || tag.</summary>
    public byte[] Seal(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[plaintext.Length + TagSize];
        Span<byte> nonce = stackalloc byte[HpkeKeySchedule.Nn];
        NextNonce(nonce);
        _aead.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), aad);
        _sequence++;
        return output;
    }

    /// <summary>Decrypts the next message (ciphertext || tag); throws <see cref="AuthenticationTagMismatchException"/> when it is not authentic.</summary>
    public byte[] Open(ReadOnlySpan<byte> aad, ReadOnlySpan<byte> ciphertextAndTag)
    {
        if (ciphertextAndTag.Length < TagSize) throw new CryptographicException("HPKE ciphertext is shorter than its tag.");
        var length = ciphertextAndTag.Length - TagSize;
        var plaintext = new byte[length];
        Span<byte> nonce = stackalloc byte[HpkeKeySchedule.Nn];
        NextNonce(nonce);
        try
        {
            _aead.Decrypt(nonce, ciphertextAndTag[..length], ciphertextAndTag[length..], plaintext, aad);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw;
        }
        _sequence++;
        return plaintext;
    }

    private void NextNonce(Span<byte> nonce)
    {
        // RFC 9180 §5.2: the sequence number must not wrap; with a 96-bit nonce and a 64-bit counter it cannot in practice.
        if (_sequence == ulong.MaxValue) throw new CryptographicException("HPKE message limit reached.");
        _baseNonce.CopyTo(nonce);
        Span<byte> seq = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(seq, _sequence);
        for (var i = 0; i < 8; i++) nonce[HpkeKeySchedule.Nn - 8 + i] ^= seq[i];
    }

    public void Dispose()
    {
        _aead.Dispose();
        CryptographicOperations.ZeroMemory(ExporterSecret);
    }
}
