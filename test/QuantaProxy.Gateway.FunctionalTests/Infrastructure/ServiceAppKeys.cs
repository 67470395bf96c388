using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure;

/// <summary>Service-app key pairs as Okta's admin console hands them out: a private JWK for the credential, a public JWK for the app.</summary>
internal static class ServiceAppKeys
{
    public static (string PrivateJwk, JsonWebKey PublicJwk) Rsa(string kid, int bits = 2048)
    {
        using var rsa = RSA.Create(bits);
        var p = rsa.ExportParameters(includePrivateParameters: true);
        var privateJwk = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["kty"] = "RSA", ["kid"] = kid, ["alg"] = "RS256", ["use"] = "sig",
            ["n"] = B(p.Modulus!), ["e"] = B(p.Exponent!), ["d"] = B(p.D!), ["p"] = B(p.P!), ["q"] = B(p.Q!),
            ["dp"] = B(p.DP!), ["dq"] = B(p.DQ!), ["qi"] = B(p.InverseQ!),
        });
        var publicJwk = new JsonWebKey { Kty = "RSA", Kid = kid, Alg = "RS256", Use = "sig", N = B(p.Modulus!), E = B(p.Exponent!) };
        return (privateJwk, publicJwk);
    }

    public static (string PrivateJwk, JsonWebKey PublicJwk) EcP256(string kid)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(includePrivateParameters: true);
        var privateJwk = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["kty"] = "EC", ["kid"] = kid, ["crv"] = "P-256", ["x"] = B(p.Q.X!), ["y"] = B(p.Q.Y!), ["d"] = B(p.D!),
        });
        var publicJwk = new JsonWebKey { Kty = "EC", Kid = kid, Crv = "P-256", X = B(p.Q.X!), Y = B(p.Q.Y!) };
        return (privateJwk, publicJwk);
    }

    /// <summary>The sealed secret of a private_key_jwt credential.</summary>
    public static object Secret(string clientId, string kid, string privateJwk) =>
        new { client_id = clientId, kid, private_key_jwk = JsonDocument.Parse(privateJwk).RootElement };

    private static string B(byte[] value) => Base64Url.EncodeToString(value);
}
