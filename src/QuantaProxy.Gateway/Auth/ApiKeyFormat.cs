using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace QuantaProxy.Gateway.Auth;

/// <summary>API keys are <c>qp_live_</c> + 43 base64url characters (256 random bits). Only SHA-256 of the key is stored.</summary>
public static class ApiKeyFormat
{
    public const string Prefix = "qp_live_";
    private const int RandomBytes = 32;
    public static readonly int Length = Prefix.Length + Base64Url.GetEncodedLength(RandomBytes);

    public static string Generate()
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        var key = Prefix + Base64Url.EncodeToString(random);
        CryptographicOperations.ZeroMemory(random);
        return key;
    }

    /// <summary>True for a string of the right shape (checked before any hashing or lookup, so junk is refused cheaply).</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> key)
    {
        if (key.Length != Length || !key.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        foreach (var c in key[Prefix.Length..])
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        return true;
    }

    public static byte[] Hash(ReadOnlySpan<char> key)
    {
        Span<byte> utf8 = stackalloc byte[128];
        var n = Encoding.ASCII.GetBytes(key, utf8);
        var hash = SHA256.HashData(utf8[..n]);
        CryptographicOperations.ZeroMemory(utf8);
        return hash;
    }
}
