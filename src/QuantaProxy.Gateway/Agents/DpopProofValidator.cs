using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.Gateway.Agents;

/// <summary>
/// RFC 9449 proof of possession for a sender-constrained access token: the proof is a JWT signed by the key the token is
/// bound to (<c>cnf.jkt</c>), for this request's method and URL, issued just now, never seen before, and carrying the
/// hash of this very token (<c>ath</c>).
/// </summary>
public sealed class DpopProofValidator(DpopReplayCache replays, IOptions<AgentOptions> options, TimeProvider time)
{
    public const string Header = "DPoP";
    private const int MaxProofLength = 8 * 1024;
    private readonly JsonWebTokenHandler _jwt = new() { MapInboundClaims = false };

    public async Task ValidateAsync(HttpRequest request, string accessToken, string boundThumbprint)
    {
        var values = request.Headers[Header];
        if (values.Count != 1 || string.IsNullOrEmpty(values[0])) throw new AgentTokenException("A DPoP-bound token needs exactly one DPoP proof header.");
        var proof = values[0]!;
        if (proof.Length > MaxProofLength) throw new AgentTokenException("The DPoP proof is too long.");
        JsonWebToken unverified;
        try
        {
            unverified = new JsonWebToken(proof);
        }
        catch (ArgumentException)
        {
            throw new AgentTokenException("The DPoP proof is not a JWT.");
        }
        if (unverified.Typ != "dpop+jwt") throw new AgentTokenException("The DPoP proof's typ must be dpop+jwt.");
        if (!TokenShapes.Algorithms.Contains(unverified.Alg ?? "")) throw new AgentTokenException("The DPoP proof's algorithm is not accepted.");
        var key = PublicKey(unverified);
        var thumbprint = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(thumbprint), Encoding.ASCII.GetBytes(boundThumbprint)))
            throw new AgentTokenException("The DPoP proof is signed by a key the token is not bound to.");

        var result = await _jwt.ValidateTokenAsync(proof, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
            ValidTypes = ["dpop+jwt"],
            ValidAlgorithms = TokenShapes.Algorithms,
        });
        if (!result.IsValid || result.SecurityToken is not JsonWebToken verified) throw new AgentTokenException("The DPoP proof's signature is not valid.");

        if (!verified.TryGetPayloadValue<string>("htm", out var htm) || !string.Equals(htm, request.Method, StringComparison.Ordinal))
            throw new AgentTokenException("The DPoP proof is for another HTTP method.");
        if (!verified.TryGetPayloadValue<string>("htu", out var htu) || !SameTarget(htu, request))
            throw new AgentTokenException("The DPoP proof is for another URL.");
        if (!verified.TryGetPayloadValue<string>("ath", out var ath) ||
            !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(ath), Encoding.ASCII.GetBytes(Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))))))
            throw new AgentTokenException("The DPoP proof is not for this access token (ath).");
        if (!verified.TryGetPayloadValue<long>("iat", out var iat)) throw new AgentTokenException("The DPoP proof has no iat.");
        var issued = DateTimeOffset.FromUnixTimeSeconds(iat);
        var now = time.GetUtcNow();
        var skew = options.Value.ClockSkew;
        if (issued > now + skew || issued < now - options.Value.DpopProofLifetime - skew) throw new AgentTokenException("The DPoP proof is too old or from the future.");
        if (!verified.TryGetPayloadValue<string>("jti", out var jti) || string.IsNullOrEmpty(jti) || jti.Length > 256)
            throw new AgentTokenException("The DPoP proof needs a jti of at most 256 characters.");
        if (!replays.TryRemember(thumbprint, jti, issued + options.Value.DpopProofLifetime + skew + skew))
            throw new AgentTokenException("The DPoP proof was already used.");
    }

    private static JsonWebKey PublicKey(JsonWebToken proof)
    {
        try
        {
            using var header = JsonDocument.Parse(Base64UrlEncoder.Decode(proof.EncodedHeader));
            if (!header.RootElement.TryGetProperty("jwk", out var jwk) || jwk.ValueKind != JsonValueKind.Object)
                throw new AgentTokenException("The DPoP proof has no jwk header.");
            if (jwk.TryGetProperty("d", out _)) throw new AgentTokenException("The DPoP proof's jwk must be a public key.");
            var key = new JsonWebKey(jwk.GetRawText());
            if (key.Kty is not ("RSA" or "EC")) throw new AgentTokenException("The DPoP proof's jwk must be an RSA or EC key.");
            return key;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FormatException)
        {
            throw new AgentTokenException("The DPoP proof's header is not valid.");
        }
    }

    /// <summary>htu names this request: same scheme, host, port and path (query and fragment ignored, RFC 9449 §4.3).</summary>
    private static bool SameTarget(string htu, HttpRequest request)
    {
        if (!Uri.TryCreate(htu, UriKind.Absolute, out var claimed)) return false;
        var actual = new Uri($"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}");
        return string.Equals(claimed.Scheme, actual.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(claimed.IdnHost, actual.IdnHost, StringComparison.OrdinalIgnoreCase)
            && claimed.Port == actual.Port
            && string.Equals(claimed.AbsolutePath, actual.AbsolutePath, StringComparison.Ordinal);
    }
}
