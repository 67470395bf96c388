using System.Buffers.Text;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>Checks on public JSON Web Keys: an app's registered keys and the <c>jwk</c> header of a DPoP proof.</summary>
internal static class PublicJwk
{
    /// <summary>The asymmetric JWS algorithms Okta accepts for client assertions and DPoP proofs (no <c>none</c>, no HMAC).</summary>
    public static readonly string[] Algorithms = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];

    /// <summary>Why the key is unusable as a public signature key, or null when it is usable.</summary>
    public static string? Problem(JsonWebKey key)
    {
        if (HasPrivateParts(key)) return "it contains private key material";
        return key.Kty switch
        {
            "RSA" when string.IsNullOrEmpty(key.N) || string.IsNullOrEmpty(key.E) => "an RSA key needs n and e",
            "RSA" when ModulusBytes(key.N) < 256 => "an RSA key must have at least 2048 bits",
            "RSA" => null,
            "EC" when key.Crv is not ("P-256" or "P-384" or "P-521") => "an EC key must be on P-256, P-384 or P-521",
            "EC" when string.IsNullOrEmpty(key.X) || string.IsNullOrEmpty(key.Y) => "an EC key needs x and y",
            "EC" => null,
            _ => "only RSA and EC keys can sign",
        };
    }

    /// <summary>Private (or symmetric) members: a key holding them must never be accepted as a public key.</summary>
    public static bool HasPrivateParts(JsonWebKey key) =>
        !string.IsNullOrEmpty(key.D) || !string.IsNullOrEmpty(key.P) || !string.IsNullOrEmpty(key.Q) || !string.IsNullOrEmpty(key.DP)
        || !string.IsNullOrEmpty(key.DQ) || !string.IsNullOrEmpty(key.QI) || !string.IsNullOrEmpty(key.K);

    /// <summary>Whether the algorithm is one of <see cref="Algorithms"/> and belongs to this key (ES256 only on P-256, and so on).</summary>
    public static bool Fits(JsonWebKey key, string? alg) => alg switch
    {
        "RS256" or "RS384" or "RS512" => key.Kty == "RSA",
        "ES256" => key.Kty == "EC" && key.Crv == "P-256",
        "ES384" => key.Kty == "EC" && key.Crv == "P-384",
        "ES512" => key.Kty == "EC" && key.Crv == "P-521",
        _ => false,
    };

    /// <summary>The RFC 7638 SHA-256 thumbprint, base64url: what a DPoP-bound token's <c>cnf.jkt</c> holds.</summary>
    public static string Thumbprint(JsonWebKey key) => Base64Url.EncodeToString(key.ComputeJwkThumbprint());

    private static int ModulusBytes(string n)
    {
        try
        {
            return Base64UrlEncoder.DecodeBytes(n).AsSpan().TrimStart((byte)0).Length;
        }
        catch (FormatException)
        {
            return 0;
        }
    }
}
