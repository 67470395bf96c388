using System.Security.Cryptography;

namespace QuantaProxy.Crypto.Formats;

/// <summary>
/// Identifiers of FORMATS.md: a prefix (<c>ten_</c>, <c>int_</c>, ...) plus a ULID (48-bit millisecond time, 80 random bits,
/// Crockford base32, 26 characters).
/// </summary>
public static class PrefixedId
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int UlidLength = 26;

    public const string Tenant = "ten_";
    public const string Integration = "int_";
    public const string Vault = "vlt_";
    public const string AuditEvent = "aud_";
    public const string Request = "req_";
    public const string ApiKey = "key_";
    public const string EnvelopeKey = "ekk_";
    public const string SigningKey = "sgk_";
    public const string VaultKey = "vkk_";
    public const string TrustedIssuer = "tis_";
    public const string Agent = "agt_";
    public const string Delegation = "dlg_";

    public static string New(string prefix, DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)now.ToUnixTimeMilliseconds();
        for (var i = 5; i >= 0; i--) { bytes[i] = (byte)ms; ms >>= 8; }
        RandomNumberGenerator.Fill(bytes[6..]);
        return string.Create(prefix.Length + UlidLength, (prefix, bytes.ToArray()), static (dst, s) =>
        {
            s.prefix.AsSpan().CopyTo(dst);
            var output = dst[s.prefix.Length..];
            // 128 bits as 26 base32 digits, most significant first (the first digit carries 3 bits).
            var value = new UInt128(
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(s.Item2),
                System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(s.Item2.AsSpan(8)));
            for (var i = UlidLength - 1; i >= 0; i--)
            {
                output[i] = Alphabet[(int)(value & 31)];
                value >>= 5;
            }
        });
    }

    public static string New(string prefix) => New(prefix, DateTimeOffset.UtcNow);

    /// <summary>True when <paramref name="id"/> is <paramref name="prefix"/> followed by a well-formed ULID.</summary>
    public static bool IsValid(string? id, string prefix)
    {
        if (id is null || id.Length != prefix.Length + UlidLength || !id.StartsWith(prefix, StringComparison.Ordinal)) return false;
        if (id[prefix.Length] > '7') return false;
        foreach (var c in id.AsSpan(prefix.Length))
            if (Alphabet.IndexOf(c) < 0) return false;
        return true;
    }
}
