using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Agents;

/// <summary>
/// The AgentToken scheme against the sandbox's real authorization servers: genuine tokens of each kind are accepted, and
/// every forgery or misuse is a 401 problem (or 403 naming the agent) with nothing sent to Okta.
/// </summary>
public sealed class AgentTokenTests
{
    private const string ShortServerId = "ausshortlived000001";
    private const string OtherAudienceServerId = "ausotheraud00000001";
    private AgentWorld _world = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _world = await AgentWorld.StartAsync(settings: new Dictionary<string, string?> { ["QuantaProxy:Agents:ClockSkew"] = "00:00:00" }, configure: o =>
        {
            o.AuthorizationServers.Add(new SandboxAuthorizationServer { Id = ShortServerId, Audience = AgentWorld.Audience, Scopes = { "qp.proxy" }, AccessTokenLifetime = TimeSpan.FromSeconds(1) });
            o.AuthorizationServers.Add(new SandboxAuthorizationServer { Id = OtherAudienceServerId, Audience = "api://someone-else", Scopes = { "qp.proxy" } });
        });
        var shortIssuer = await _world.TrustIssuerAsync(_world.Sandbox.AuthorizationServer(ShortServerId), "agent_only");
        await _world.RegisterAgentAsync(shortIssuer, AgentWorld.AgentId, ["list_users"]);
        var otherAudience = await _world.TrustIssuerAsync(_world.Sandbox.AuthorizationServer(OtherAudienceServerId), "agent_only");
        await _world.RegisterAgentAsync(otherAudience, AgentWorld.AgentId, ["list_users"]);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Nothing to stop when the fixture was inconclusive (no server) before it started anything.
        if (_world is not null) await _world.DisposeAsync();
    }

    private async Task AssertUnauthorizedAsync(string token, string because, string scheme = "Bearer", string? proof = null)
    {
        var before = OktaApiCalls();
        var (status, body) = await _world.CallAsync(token, scheme: scheme, dpopProof: proof);
        Assert.That(status, Is.EqualTo(401), $"{because}: {body?.ToJsonString()}");
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("unauthenticated"));
        TestContext.Out.WriteLine($"{because} → 401 {body["detail"]}");
        Assert.That(OktaApiCalls(), Is.EqualTo(before), "no Management API call was made for a refused token");
    }

    private int OktaApiCalls() => _world.Sandbox.Stats.Received.Count(r => r.Target.StartsWith("/api/v1/", StringComparison.Ordinal));

    private async Task<JsonWebToken> GenuineAsync()
    {
        var token = await _world.AgbacTokenAsync(null);
        return new JsonWebToken(token);
    }

    private static string Unsigned(string header, string payload) =>
        Base64UrlEncoder.Encode(header) + "." + Base64UrlEncoder.Encode(payload) + ".";

    private static Dictionary<string, object> ClaimsOf(JsonWebToken genuine) => new()
    {
        ["iss"] = genuine.Issuer, ["aud"] = AgentWorld.Audience, ["sub"] = AgentWorld.AgentId, ["cid"] = AgentWorld.AgentId,
        ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), ["exp"] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds(),
    };

    [Test]
    public async Task A_genuine_agent_token_is_accepted_as_bearer()
    {
        var (status, body) = await _world.CallAsync(await _world.AgbacTokenAsync(null));
        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
    }

    [Test]
    public async Task A_token_signed_with_another_key_under_the_issuers_kid_is_refused()
    {
        var genuine = await GenuineAsync();
        using var rsa = RSA.Create(2048);
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = ClaimsOf(genuine),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = genuine.Kid }, SecurityAlgorithms.RsaSha256),
        });
        await AssertUnauthorizedAsync(forged, "wrong key");
    }

    [Test]
    public async Task An_unsigned_alg_none_token_is_refused()
    {
        var genuine = await GenuineAsync();
        var claims = new JsonObject();
        foreach (var (k, v) in ClaimsOf(genuine)) claims[k] = JsonValue.Create(v);
        await AssertUnauthorizedAsync(Unsigned("{\"alg\":\"none\",\"typ\":\"JWT\"}", claims.ToJsonString()), "alg none");
    }

    [Test]
    public async Task An_HS256_token_keyed_with_the_issuers_public_key_is_refused()
    {
        var genuine = await GenuineAsync();
        using var http = new HttpClient();
        var jwks = await http.GetStringAsync(_world.Agbac.JwksUrl);
        var jwk = JsonNode.Parse(jwks)!["keys"]![0]!;
        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = Base64UrlEncoder.DecodeBytes(jwk["n"]!.GetValue<string>()), Exponent = Base64UrlEncoder.DecodeBytes(jwk["e"]!.GetValue<string>()) });
        var publicKeyBytes = Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem());
        var forged = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Claims = ClaimsOf(genuine),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(publicKeyBytes) { KeyId = genuine.Kid }, SecurityAlgorithms.HmacSha256),
        });
        await AssertUnauthorizedAsync(forged, "HS256 with the public key");
    }

    [Test]
    public async Task An_expired_token_is_refused()
    {
        using var agent = _world.Agent(_world.Sandbox.AuthorizationServer(ShortServerId));
        var token = (await agent.ClientCredentialsAsync("qp.proxy")).EnsureAccessToken();
        var exp = new JsonWebToken(token).ValidTo;
        // Past a one-second lifetime on the clock the sandbox and the gateway share (clock skew is zero in this fixture).
        _world.Clock.Advance(exp - _world.Clock.GetUtcNow().UtcDateTime + TimeSpan.FromMilliseconds(1100));
        await AssertUnauthorizedAsync(token, "expired");
    }

    [Test]
    public async Task A_token_from_an_untrusted_issuer_is_refused()
    {
        using var agent = _world.Agent(_world.Other);
        await AssertUnauthorizedAsync((await agent.ClientCredentialsAsync("qp.proxy")).EnsureAccessToken(), "untrusted issuer");
    }

    [Test]
    public async Task A_token_for_another_audience_is_refused()
    {
        using var agent = _world.Agent(_world.Sandbox.AuthorizationServer(OtherAudienceServerId));
        await AssertUnauthorizedAsync((await agent.ClientCredentialsAsync("qp.proxy")).EnsureAccessToken(), "wrong audience");
    }

    [Test]
    public async Task A_token_for_an_unregistered_agent_is_refused_naming_the_agent()
    {
        var token = await _world.AgbacTokenAsync(null, AgentWorld.StrangerId);
        var (status, body) = await _world.CallAsync(token);
        Assert.That(status, Is.EqualTo(403), body?.ToJsonString());
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("agent_not_registered"));
        Assert.That(body["field"]!.GetValue<string>(), Is.EqualTo("agent"));
        var denied = (await _world.AuditEventsAsync()).Last(e => e!["type"]!.GetValue<string>() == "proxy.denied")!;
        Assert.That(denied["actor"]!.GetValue<string>(), Is.EqualTo($"agent:{_world.Agbac.Issuer}|{AgentWorld.StrangerId}"));
        Assert.That(denied["outcome"]!.GetValue<string>(), Is.EqualTo("agent_not_registered"));
    }

    [Test]
    public async Task A_dpop_bound_token_needs_a_proof_for_this_request_used_once()
    {
        using var agent = _world.Agent(_world.Agbac);
        var token = (await agent.ClientCredentialsAsync("qp.proxy", dpop: true)).EnsureAccessToken();
        Assert.That(new JsonWebToken(token).TryGetPayloadValue<Dictionary<string, object>>("cnf", out _), "the sandbox bound the token (cnf.jkt)");
        var url = new Uri(_world.Gateway.BaseAddress, "/api/v2/proxy/outbound");

        await AssertUnauthorizedAsync(token, "DPoP-bound token sent as bearer");
        await AssertUnauthorizedAsync(token, "no proof", scheme: "DPoP");
        await AssertUnauthorizedAsync(token, "proof for another URL", "DPoP", agent.DpopProof(HttpMethod.Post, new Uri(_world.Gateway.BaseAddress, "/api/v2/integrations"), token));
        await AssertUnauthorizedAsync(token, "proof for another method", "DPoP", agent.DpopProof(HttpMethod.Get, url, token));
        await AssertUnauthorizedAsync(token, "proof without ath", "DPoP", agent.DpopProof(HttpMethod.Post, url));

        var proof = agent.DpopProof(HttpMethod.Post, url, token);
        var (status, body) = await _world.CallAsync(token, scheme: "DPoP", dpopProof: proof);
        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        await AssertUnauthorizedAsync(token, "replayed proof", "DPoP", proof);

        using var thief = _world.Agent(_world.Agbac, AgentWorld.StrangerId);
        await AssertUnauthorizedAsync(token, "proof by a key the token is not bound to", "DPoP", thief.DpopProof(HttpMethod.Post, url, token));
    }

    [Test]
    public async Task An_agent_token_opens_only_the_proxy_endpoint()
    {
        var token = await _world.AgbacTokenAsync(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/integrations");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await _world.Gateway.Client.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(401));
    }

    [Test]
    public async Task Trusted_issuers_refuse_none_and_hmac_algorithms_and_non_okta_hosts()
    {
        foreach (var (alg, issuer) in new[] { ("none", _world.Other.Issuer.ToString()), ("HS256", _world.Other.Issuer.ToString()), ("RS256", "https://evil.example.com/oauth2/aus1") })
        {
            var (response, body) = await _world.Gateway.SendAsync(HttpMethod.Post, "/api/v2/trusted-issuers", _world.Tenant.ApiKey,
                new { issuer, audience = "api://x", token_shape = "agent_only", algorithms = new[] { alg } });
            Assert.That((int)response.StatusCode, Is.EqualTo(400), body?.ToJsonString());
            Assert.That(body!["field"]!.GetValue<string>(), Does.StartWith(alg == "RS256" ? "issuer" : "algorithms"));
        }
    }
}
