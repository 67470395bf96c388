using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using QuantaProxy.Gateway.Okta.Authentication;
using QuantaProxy.Gateway.Okta.Transport;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Okta.Authentication;

/// <summary>The client assertion and DPoP proofs the gateway signs, checked with an independent JWT validator.</summary>
public sealed class ServiceAppTokenPartsTests
{
    private static readonly Uri TokenEndpoint = new("https://example.okta.com/oauth2/v1/token");
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static OktaCredential Credential(string privateJwk, string kid = "key-1") =>
        OktaCredential.Parse(OktaCredential.PrivateKeyJwt, 3, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(ServiceAppKeys.Secret("0oaservice", kid, privateJwk))));

    private static async Task<TokenValidationResult> ValidateAssertionAsync(string jwt, JsonWebKey key) =>
        await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidIssuer = "0oaservice",
            ValidAudience = TokenEndpoint.AbsoluteUri,
            RequireExpirationTime = true,
        });

    [TestCase("rsa")]
    [TestCase("ec")]
    public async Task Client_assertion_is_signed_by_the_service_app_key_with_Oktas_claims(string kind)
    {
        var (privateJwk, publicJwk) = kind == "rsa" ? ServiceAppKeys.Rsa("key-1") : ServiceAppKeys.EcP256("key-1");
        using var credential = Credential(privateJwk);
        var first = OktaClientAssertion.Create(credential, TokenEndpoint, Now);
        var second = OktaClientAssertion.Create(credential, TokenEndpoint, Now);

        var result = await ValidateAssertionAsync(first, publicJwk);
        Assert.That(result.IsValid, Is.True, result.Exception?.Message);
        var token = (JsonWebToken)result.SecurityToken;
        Assert.That(token.Subject, Is.EqualTo("0oaservice"));
        Assert.That(token.Kid, Is.EqualTo("key-1"));
        Assert.That(token.Alg, Is.EqualTo(kind == "rsa" ? "RS256" : "ES256"));
        Assert.That(token.ValidTo - token.IssuedAt, Is.LessThanOrEqualTo(TimeSpan.FromHours(1)));
        Assert.That(token.Id, Has.Length.GreaterThanOrEqualTo(20));
        Assert.That(new JsonWebToken(second).Id, Is.Not.EqualTo(token.Id), "every assertion carries a fresh jti");
    }

    [Test]
    public async Task An_assertion_does_not_verify_under_another_key()
    {
        var (privateJwk, _) = ServiceAppKeys.Rsa("key-1");
        var (_, otherPublic) = ServiceAppKeys.Rsa("key-1");
        using var credential = Credential(privateJwk);
        var result = await ValidateAssertionAsync(OktaClientAssertion.Create(credential, TokenEndpoint, Now), otherPublic);
        Assert.That(result.IsValid, Is.False);
    }

    [TestCase("{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}")]
    [TestCase("{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}")]
    [TestCase("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"!!\",\"y\":\"AA\",\"d\":\"AA\"}")]
    [TestCase("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\",\"d\":\"c2VjcmV0LWQtdmFsdWU\"}")]
    public void A_malformed_private_jwk_fails_closed_without_quoting_it(string jwk)
    {
        using var credential = Credential(jwk);
        var e = Assert.Throws<OktaCallException>(() => OktaClientAssertion.Create(credential, TokenEndpoint, Now))!;
        Assert.That(e.Code, Is.EqualTo("okta_auth_failed"));
        Assert.That(e.MayHaveReachedOkta, Is.False);
        Assert.That(e.Message, Does.Not.Contain("c2VjcmV0"));
    }

    [Test]
    public void A_short_RSA_key_is_refused()
    {
        var (privateJwk, _) = ServiceAppKeys.Rsa("key-1", bits: 1024);
        using var credential = Credential(privateJwk);
        Assert.That(() => OktaClientAssertion.Create(credential, TokenEndpoint, Now), Throws.TypeOf<OktaCallException>().With.Message.Contains("2048"));
    }

    [Test]
    public async Task A_DPoP_proof_carries_its_public_key_and_binds_method_target_and_token()
    {
        var key = new DpopProofKey();
        var ath = DpopProofKey.AccessTokenHash("access-token-1");
        var proof = new JsonWebToken(key.CreateProof("GET", "https://example.okta.com/api/v1/users", Now, nonce: "n-1", accessTokenHash: ath));

        Assert.That(proof.Typ, Is.EqualTo("dpop+jwt"));
        Assert.That(proof.Alg, Is.EqualTo("ES256"));
        Assert.That(proof.TryGetHeaderValue<JsonElement>("jwk", out var jwkElement), Is.True);
        var jwk = new JsonWebKey(jwkElement.GetRawText());
        Assert.That(jwk.HasPrivateKey, Is.False, "the proof must never carry the private key");
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(proof.EncodedToken, new TokenValidationParameters
        {
            IssuerSigningKey = jwk, ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false, ValidTypes = ["dpop+jwt"],
        });
        Assert.That(result.IsValid, Is.True, result.Exception?.Message);
        Assert.That(proof.GetPayloadValue<string>("htm"), Is.EqualTo("GET"));
        Assert.That(proof.GetPayloadValue<string>("htu"), Is.EqualTo("https://example.okta.com/api/v1/users"));
        Assert.That(proof.GetPayloadValue<string>("nonce"), Is.EqualTo("n-1"));
        // RFC 9449 §4.2: ath = base64url(SHA-256(ASCII(access token))).
        Assert.That(proof.GetPayloadValue<string>("ath"), Is.EqualTo(Base64UrlEncoder.Encode(System.Security.Cryptography.SHA256.HashData("access-token-1"u8))));
        Assert.That(new JsonWebToken(key.CreateProof("GET", "https://x/y", Now)).Id, Is.Not.EqualTo(proof.Id));
    }

    [TestCase("/api/v1/users?limit=5&after=x", "https://example.okta.com/api/v1/users")]
    [TestCase("/api/v1/users/00u1#frag", "https://example.okta.com/api/v1/users/00u1")]
    [TestCase("/api/v1/logs", "https://example.okta.com/api/v1/logs")]
    public void The_proof_target_drops_query_and_fragment(string pathAndQuery, string expected) =>
        Assert.That(DpopProofKey.TargetUri(new Uri("https://example.okta.com"), pathAndQuery), Is.EqualTo(expected));

    [Test]
    public void Tokens_are_renewed_60_seconds_before_expiry_or_at_half_life_when_shorter()
    {
        var hour = new OktaAccessToken("t", null, Now, TimeSpan.FromHours(1));
        Assert.That(hour.RenewAt, Is.EqualTo(Now + TimeSpan.FromSeconds(3540)));
        Assert.That(hour.UsableAt(Now + TimeSpan.FromSeconds(3539)), Is.True);
        Assert.That(hour.UsableAt(Now + TimeSpan.FromSeconds(3540)), Is.False);
        var brief = new OktaAccessToken("t", null, Now, TimeSpan.FromSeconds(4));
        Assert.That(brief.RenewAt, Is.EqualTo(Now + TimeSpan.FromSeconds(2)));
        Assert.That(brief.ToString(), Does.Not.Contain("t,"));
    }
}
