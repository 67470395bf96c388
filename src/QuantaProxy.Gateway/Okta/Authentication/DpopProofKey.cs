using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.Gateway.Okta.Authentication;

/// <summary>
/// An ephemeral P-256 key that an access token is bound to (RFC 9449), and the DPoP proofs it signs: <c>typ dpop+jwt</c>,
/// the public JWK in the header, <c>htm</c>/<c>htu</c>/<c>iat</c>/<c>jti</c>, the server's <c>nonce</c> when it asked for
/// one, and <c>ath</c> on resource calls. The key never leaves the process and is created anew for every token.
/// </summary>
internal sealed class DpopProofKey : IDisposable
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly SigningCredentials _signing;
    private readonly Dictionary<string, object> _publicJwk;
    // Platform key objects are not documented as safe for concurrent use; a proof is one ES256 signature, so a lock is cheap.
    private readonly Lock _gate = new();

    public DpopProofKey()
    {
        var q = _key.ExportParameters(includePrivateParameters: false).Q;
        _publicJwk = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64Url.EncodeToString(q.X),
            ["y"] = Base64Url.EncodeToString(q.Y),
        };
        _signing = new SigningCredentials(new ECDsaSecurityKey(_key), SecurityAlgorithms.EcdsaSha256);
    }

    /// <summary>A proof for one HTTP request. <paramref name="htu"/> is the target URI without query and fragment.</summary>
    public string CreateProof(string htm, string htu, DateTimeOffset now, string? nonce = null, string? accessTokenHash = null)
    {
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["htm"] = htm,
            ["htu"] = htu,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)),
        };
        if (nonce is not null) claims["nonce"] = nonce;
        if (accessTokenHash is not null) claims["ath"] = accessTokenHash;
        var descriptor = new SecurityTokenDescriptor
        {
            TokenType = "dpop+jwt",
            SigningCredentials = _signing,
            Claims = claims,
            AdditionalHeaderClaims = new Dictionary<string, object>(StringComparer.Ordinal) { ["jwk"] = _publicJwk },
        };
        lock (_gate) return Handler.CreateToken(descriptor);
    }

    /// <summary>
    /// Frees the key when no token was bound to it. A key that backs a token is left to finalisation: calls already
    /// holding the token may still be signing proofs with it when the token is replaced.
    /// </summary>
    public void Dispose()
    {
        lock (_gate) _key.Dispose();
    }

    /// <summary>The proof's <c>ath</c>: base64url(SHA-256(ASCII access token)).</summary>
    public static string AccessTokenHash(string accessToken) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));

    /// <summary>The target URI as a proof names it: scheme, authority and path, without query or fragment.</summary>
    public static string TargetUri(Uri baseUri, string pathAndQuery)
    {
        var query = pathAndQuery.IndexOfAny(['?', '#']);
        return baseUri.GetLeftPart(UriPartial.Authority) + (query < 0 ? pathAndQuery : pathAndQuery[..query]);
    }
}
