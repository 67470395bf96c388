using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>
/// Parsing and signature verification of compact JWS (client assertions, DPoP proofs) with Microsoft.IdentityModel. Only the
/// signature is left to the library; claims are checked by the callers so each failure gets Okta's own description.
/// </summary>
internal static class Jws
{
    /// <summary>Longest client assertion or DPoP proof read; a real one is well under 2 KiB.</summary>
    public const int MaxLength = 8 * 1024;

    private static readonly JsonWebTokenHandler Handler = new();

    // DPoP keys are per client and may be per proof: caching a signature provider for each would grow without bound.
    private static readonly CryptoProviderFactory Uncached = new() { CacheSignatureProviders = false };

    /// <summary>The JWS, or null when the text is not one (too long, not three base64url parts of JSON, or a JWE). An unsigned
    /// JWT (<c>alg: none</c>) parses, and is refused by the callers' algorithm check.</summary>
    public static JsonWebToken? Parse(string? compact)
    {
        if (string.IsNullOrEmpty(compact) || compact.Length > MaxLength) return null;
        try
        {
            var jwt = new JsonWebToken(compact);
            return jwt.IsEncrypted ? null : jwt;
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (SecurityTokenException)
        {
            return null;
        }
    }

    /// <summary>Whether one of <paramref name="keys"/> verifies the signature under one of Okta's asymmetric algorithms.</summary>
    public static async Task<bool> VerifiesAsync(JsonWebToken jwt, IReadOnlyList<JsonWebKey> keys, bool ephemeralKeys)
    {
        if (keys.Count == 0 || !keys.Any(k => PublicJwk.Fits(k, jwt.Alg))) return false;
        var parameters = new TokenValidationParameters
        {
            // Lifetime, issuer, audience and type are checked by the callers, each with its own error description.
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireAudience = false,
            RequireSignedTokens = true,
            ValidAlgorithms = PublicJwk.Algorithms,
            IssuerSigningKeys = keys,
            TryAllIssuerSigningKeys = true,
            CryptoProviderFactory = ephemeralKeys ? Uncached : null,
        };
        var result = await Handler.ValidateTokenAsync(jwt, parameters);
        return result.IsValid;
    }

    /// <summary>A string claim, or null when it is absent or not a string.</summary>
    public static string? StringClaim(JsonWebToken jwt, string name) =>
        jwt.TryGetPayloadValue<object>(name, out var value) && value is string text ? text : null;

    /// <summary>A NumericDate claim (RFC 7519 §2) as seconds since the epoch, or null when absent or not a number.</summary>
    public static double? TimeClaim(JsonWebToken jwt, string name) =>
        jwt.TryGetPayloadValue<object>(name, out var value) ? value switch
        {
            long l => l,
            int i => i,
            double d when double.IsFinite(d) => d,
            decimal m => (double)m,
            _ => null,
        } : null;
}
