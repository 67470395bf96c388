using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.OktaSandbox;

/// <summary>
/// A service app's RSA-2048 key pair as Okta's admin console hands it out: the public JWK to register with the org
/// (<see cref="SandboxServiceApp.Keys"/> or <c>quantaproxy sandbox --service-app-jwks</c>) and the private JWK to seal in the
/// gateway as a <c>private_key_jwt</c> credential. For the quick start, benchmarks and tests: a real deployment gets its
/// key pair from Okta and never has the private half outside the vault.
/// </summary>
public sealed class ServiceAppKeyPair(string keyId) : IDisposable
{
    private readonly RSA _key = RSA.Create(2048);

    public string KeyId { get; } = keyId;

    public JsonWebKey PublicJsonWebKey => new(Jwk(includePrivate: false).ToJsonString());

    /// <summary>The JWKS document (<c>{"keys":[...]}</c>) with the public key.</summary>
    public string PublicJwksJson() => new JsonObject { ["keys"] = new JsonArray(Jwk(includePrivate: false)) }.ToJsonString();

    /// <summary>The <c>secret</c> of a <c>private_key_jwt</c> seal request: <c>{client_id, kid, private_key_jwk}</c>.</summary>
    public JsonObject CredentialSecret(string clientId) =>
        new() { ["client_id"] = clientId, ["kid"] = KeyId, ["private_key_jwk"] = Jwk(includePrivate: true) };

    private JsonObject Jwk(bool includePrivate)
    {
        var p = _key.ExportParameters(includePrivate);
        var jwk = new JsonObject { ["kty"] = "RSA", ["kid"] = KeyId, ["alg"] = "RS256", ["use"] = "sig", ["n"] = Base64Url.EncodeToString(p.Modulus), ["e"] = Base64Url.EncodeToString(p.Exponent) };
        if (includePrivate)
        {
            jwk["d"] = Base64Url.EncodeToString(p.D);
            jwk["p"] = Base64Url.EncodeToString(p.P);
            jwk["q"] = Base64Url.EncodeToString(p.Q);
            jwk["dp"] = Base64Url.EncodeToString(p.DP);
            jwk["dq"] = Base64Url.EncodeToString(p.DQ);
            jwk["qi"] = Base64Url.EncodeToString(p.InverseQ);
            foreach (var secret in new[] { p.D, p.P, p.Q, p.DP, p.DQ, p.InverseQ }) CryptographicOperations.ZeroMemory(secret);
        }
        return jwk;
    }

    public void Dispose() => _key.Dispose();
}
