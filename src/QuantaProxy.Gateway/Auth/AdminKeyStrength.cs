using System.Buffers.Text;

namespace QuantaProxy.Gateway.Auth;

/// <summary>
/// Refuses configured admin keys that were typed, not generated: known placeholders, and strings whose 32 bytes are not
/// plausibly random. A generated key passes with overwhelming probability (a uniform 43-character base64url string has
/// about 31 distinct characters; fewer than 20 happens with probability below 1e-9).
/// </summary>
public static class AdminKeyStrength
{
    private const int MinDistinctCharacters = 20;
    private const int MaxSameByte = 6;
    private static readonly string[] Placeholders = ["CHANGE", "REPLACE", "EXAMPLE", "PLACEHOLDER", "SECRET", "PASSWORD", "DUMMY", "SAMPLE", "YOURKEY", "0123456", "ABCDEFG"];

    /// <summary>Null when the key is acceptable; otherwise why not (never the key itself).</summary>
    public static string? Problem(string key)
    {
        if (!ApiKeyFormat.IsWellFormed(key)) return $"must look like {ApiKeyFormat.Prefix}<43 base64url characters>";
        var body = key[ApiKeyFormat.Prefix.Length..];
        // Case-sensitive (all upper or all lower), so that a random key matches a word with negligible probability.
        var letters = body.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        foreach (var word in Placeholders)
            if (letters.Contains(word, StringComparison.Ordinal) || letters.Contains(word.ToLowerInvariant(), StringComparison.Ordinal))
                return "is a placeholder, not a generated key";
        if (body.Distinct().Count() < MinDistinctCharacters) return "does not have 256 bits of entropy (too few distinct characters)";
        Span<byte> bytes = stackalloc byte[32];
        if (Base64Url.DecodeFromChars(body, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
            return "is not 32 bytes of base64url";
        Span<int> counts = stackalloc int[256];
        foreach (var b in bytes) counts[b]++;
        var repeated = false;
        foreach (var c in counts) repeated |= c > MaxSameByte;
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        return repeated ? "does not have 256 bits of entropy (a repeated pattern)" : null;
    }
}
