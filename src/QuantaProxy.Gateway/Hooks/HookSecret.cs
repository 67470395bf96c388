using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace QuantaProxy.Gateway.Hooks;

/// <summary>The shared secret Okta sends in the hook's <c>Authorization</c> header: 256 random bits, stored only as SHA-256, compared in constant time.</summary>
public static class HookSecret
{
    public const string Header = "Authorization";
    private const string Prefix = "qph_";

    public static string Generate() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static bool Matches(string? presented, byte[] storedHash)
    {
        // Hashing first makes the comparison's length fixed, whatever was presented.
        var hash = Hash(presented is { Length: > 0 and <= 256 } ? presented : "\0");
        return CryptographicOperations.FixedTimeEquals(hash, storedHash) && presented is { Length: > 0 and <= 256 };
    }
}
