using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace QuantaProxy.Client.Http;

/// <summary>
/// DPoP proofs (RFC 9449) signed with an ES256 key the agent holds: header <c>{typ: dpop+jwt, alg: ES256, jwk}</c>, claims
/// <c>{jti, htm, htu, iat, ath}</c>. <see cref="Thumbprint"/> (RFC 7638) is the <c>cnf.jkt</c> a bound token names. The
/// signature is .NET's ECDSA over P-256 with SHA-256; nothing here implements cryptography.
/// </summary>
public sealed class DpopProofSigner(ECDsa key, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public JsonObject PublicJwk
    {
        get
        {
            var p = key.ExportParameters(includePrivateParameters: false);
            return new JsonObject { ["crv"] = "P-256", ["kty"] = "EC", ["x"] = B64(p.Q.X!), ["y"] = B64(p.Q.Y!) };
        }
    }

    /// <summary>The JWK thumbprint: SHA-256 of the required members in lexicographic order, base64url.</summary>
    public string Thumbprint
    {
        get
        {
            var jwk = PublicJwk;
            var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{jwk["x"]}\",\"y\":\"{jwk["y"]}\"}}";
            return B64(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
        }
    }

    public string Create(HttpMethod method, Uri url, string? accessToken)
    {
        var header = new JsonObject { ["typ"] = "dpop+jwt", ["alg"] = "ES256", ["jwk"] = PublicJwk };
        var claims = new JsonObject
        {
            ["jti"] = B64(RandomNumberGenerator.GetBytes(16)),
            ["htm"] = method.Method,
            ["htu"] = url.GetLeftPart(UriPartial.Path),
            ["iat"] = _time.GetUtcNow().ToUnixTimeSeconds(),
        };
        if (accessToken is not null) claims["ath"] = AgentTokenCredential.AccessTokenHash(accessToken);
        var signingInput = B64(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + B64(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + B64(signature);
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
