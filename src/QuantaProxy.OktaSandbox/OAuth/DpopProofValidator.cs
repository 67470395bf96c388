using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>What a DPoP proof must match besides its own form.</summary>
/// <param name="Method">The request's method (<c>htm</c>).</param>
/// <param name="Url">The request's URL without query (<c>htu</c>).</param>
/// <param name="Nonces">At the token endpoint: the proof must carry a live server nonce. Null on resource requests (Okta does not require one there).</param>
/// <param name="BoundJkt">On resource requests: the thumbprint the access token is bound to.</param>
/// <param name="AccessTokenHash">On resource requests: base64url SHA-256 of the access token (<c>ath</c>).</param>
internal sealed record DpopExpectations(string Method, string Url, DpopNonces? Nonces = null, string? BoundJkt = null, string? AccessTokenHash = null);

/// <summary>The outcome of checking a DPoP proof.</summary>
internal sealed record DpopOutcome(DpopOutcomeKind Kind, string? Description = null, string? Jkt = null)
{
    public static DpopOutcome Invalid(string description) => new(DpopOutcomeKind.Invalid, description);
}

internal enum DpopOutcomeKind
{
    Valid,
    Invalid,

    /// <summary>A good proof without a live server nonce: the token endpoint answers <c>use_dpop_nonce</c>.</summary>
    NonceRequired,
}

/// <summary>Checks a <c>DPoP</c> header as RFC 9449 §4.3 and Okta describe, with Okta's error descriptions.</summary>
internal sealed class DpopProofValidator(ReplayCache replays, TimeProvider clock)
{
    /// <summary>How far a proof's <c>iat</c> may be from now, either way.</summary>
    public static readonly TimeSpan MaxClockDistance = TimeSpan.FromMinutes(5);

    private const int MaxJtiLength = 256;

    public const string Missing = "The DPoP proof JWT header is missing.";

    public async Task<DpopOutcome> CheckAsync(StringValues headers, DpopExpectations expected)
    {
        if (headers.Count == 0 || string.IsNullOrEmpty(headers[0])) return DpopOutcome.Invalid(Missing);
        if (headers.Count > 1) return DpopOutcome.Invalid("Only one DPoP proof JWT header may be sent.");
        var proof = Jws.Parse(headers[0]);
        if (proof is null) return DpopOutcome.Invalid("The DPoP proof JWT is malformed.");
        if (!string.Equals(proof.Typ, "dpop+jwt", StringComparison.Ordinal)) return DpopOutcome.Invalid("'typ' header in the DPoP proof JWT is invalid.");
        if (!PublicJwk.Algorithms.Contains(proof.Alg, StringComparer.Ordinal)) return DpopOutcome.Invalid("'alg' header in the DPoP proof JWT is invalid.");
        var key = HeaderKey(proof);
        if (key is null) return DpopOutcome.Invalid("'jwk' header in the DPoP proof JWT is invalid.");
        if (PublicJwk.HasPrivateParts(key)) return DpopOutcome.Invalid("'jwk' header in the DPoP proof JWT must not contain a private key.");
        if (PublicJwk.Problem(key) is not null || !PublicJwk.Fits(key, proof.Alg)) return DpopOutcome.Invalid("'jwk' header in the DPoP proof JWT is invalid.");
        if (!await Jws.VerifiesAsync(proof, [key], ephemeralKeys: true)) return DpopOutcome.Invalid("The DPoP proof JWT signature is invalid.");

        if (!string.Equals(Jws.StringClaim(proof, "htm"), expected.Method, StringComparison.Ordinal))
            return DpopOutcome.Invalid("'htm' claim in the DPoP proof JWT is invalid.");
        if (!RequestUrls.SameTarget(Jws.StringClaim(proof, "htu"), expected.Url))
            return DpopOutcome.Invalid("'htu' claim in the DPoP proof JWT is invalid.");
        var now = clock.GetUtcNow();
        if (Jws.TimeClaim(proof, "iat") is not { } iat || Math.Abs(now.ToUnixTimeSeconds() - iat) > MaxClockDistance.TotalSeconds)
            return DpopOutcome.Invalid("'iat' claim in the DPoP proof JWT is invalid.");
        var jti = Jws.StringClaim(proof, "jti");
        if (string.IsNullOrEmpty(jti) || jti.Length > MaxJtiLength) return DpopOutcome.Invalid("'jti' claim in the DPoP proof JWT is invalid.");

        var jkt = PublicJwk.Thumbprint(key);
        if (expected.BoundJkt is not null && !FixedTimeEquals(jkt, expected.BoundJkt))
            return DpopOutcome.Invalid("The DPoP proof JWT key does not match the key the access token is bound to.");
        if (expected.AccessTokenHash is not null && !FixedTimeEquals(Jws.StringClaim(proof, "ath"), expected.AccessTokenHash))
            return DpopOutcome.Invalid("'ath' claim in the DPoP proof JWT is invalid.");
        // Checked before the jti is spent: the client answers use_dpop_nonce with a new proof anyway.
        if (expected.Nonces is not null && !expected.Nonces.IsValid(Jws.StringClaim(proof, "nonce")))
            return new DpopOutcome(DpopOutcomeKind.NonceRequired, "Authorization server requires nonce in DPoP proof.", jkt);
        // A proof is refused on its iat once that is more than MaxClockDistance old, so the jti need not be kept longer.
        var keepUntil = DateTimeOffset.FromUnixTimeSeconds((long)Math.Ceiling(iat)) + MaxClockDistance;
        if (!replays.TryUse("dpop", jkt, jti, keepUntil)) return DpopOutcome.Invalid("'jti' claim in the DPoP proof JWT was already used.");
        return new DpopOutcome(DpopOutcomeKind.Valid, Jkt: jkt);
    }

    /// <summary>The <c>jwk</c> header as a key, or null when it is absent or not a JWK object.</summary>
    private static JsonWebKey? HeaderKey(JsonWebToken proof)
    {
        if (!proof.TryGetHeaderValue<JsonElement>("jwk", out var element) || element.ValueKind != JsonValueKind.Object) return null;
        try
        {
            return new JsonWebKey(element.GetRawText());
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool FixedTimeEquals(string? presented, string expected) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
}
