using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using QuantaProxy.Client;
using QuantaProxy.Client.Http;
using QuantaProxy.Crypto.Envelopes;

namespace QuantaProxy.Gateway.FunctionalTests.Agents;

/// <summary>The .NET client calls as an agent with a token source (bearer, or DPoP with a proof per request), not only an API key.</summary>
public sealed class ClientTokenSourceTests
{
    private AgentWorld _world = null!;
    private TenantKeyBundle _bundle = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _world = await AgentWorld.StartAsync();
        await _world.DelegateAsync(_world.AgentRecordId, _world.AliceId, ["list_users"]);
        _bundle = TenantKeyBundle.Parse(Encoding.UTF8.GetBytes(await _world.Tenant.BundleJsonAsync(_world.Gateway)));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _bundle?.Dispose();
        await _world.DisposeAsync();
    }

    [Test]
    public async Task A_bearer_token_source_calls_for_Alice_and_the_answer_opens()
    {
        var fetched = 0;
        using var http = new QuantaProxyHttpClient(_world.Gateway.BaseAddress, new AgentTokenCredential(async ct =>
        {
            fetched++;
            return await _world.AgbacTokenAsync(_world.AliceId);
        }));
        var result = await new QuantaProxyClient(http, _bundle).ProxyAsync(_world.IntegrationId, "list_users", new { limit = 2 });
        Assert.That(result.Status, Is.EqualTo(200));
        Assert.That(fetched, Is.EqualTo(1));
        var events = await _world.AuditEventsAsync();
        Assert.That(events.Last(e => e!["type"]!.GetValue<string>() == "proxy.call")!["on_behalf_of"]!.GetValue<string>(), Is.EqualTo(_world.AliceId));
    }

    [Test]
    public async Task A_DPoP_token_source_sends_a_fresh_proof_with_each_request()
    {
        using var agent = _world.Agent(_world.Agbac);
        var token = (await agent.ClientCredentialsAsync("qp.proxy", new JsonObject { ["sub"] = _world.AliceId }, dpop: true)).EnsureAccessToken();
        var proofs = new List<string>();
        using var http = new QuantaProxyHttpClient(_world.Gateway.BaseAddress, new AgentTokenCredential(_ => ValueTask.FromResult(token), (method, url, accessToken) =>
        {
            var proof = agent.DpopProof(method, url, accessToken);
            proofs.Add(proof);
            return proof;
        }));
        var client = new QuantaProxyClient(http, _bundle);
        Assert.That((await client.ProxyAsync(_world.IntegrationId, "list_users", new { limit = 1 })).Status, Is.EqualTo(200));
        Assert.That((await client.ProxyAsync(_world.IntegrationId, "list_users", new { limit = 1 })).Status, Is.EqualTo(200));
        Assert.That(proofs.Distinct().Count(), Is.EqualTo(2), "a DPoP proof is never reused");
    }

    [Test]
    public void The_built_in_DPoP_signer_makes_an_ES256_proof_bound_to_the_request_and_the_token()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = new DpopProofSigner(key);
        var proof = signer.Create(HttpMethod.Post, new Uri("https://gateway.example/api/v2/proxy/outbound?x=1"), "token-value");
        var parts = proof.Split('.');
        static byte[] Decode(string s) => Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/') + new string('=', (4 - s.Length % 4) % 4));
        var header = JsonNode.Parse(Decode(parts[0]))!;
        var claims = JsonNode.Parse(Decode(parts[1]))!;
        Assert.That(header["typ"]!.GetValue<string>(), Is.EqualTo("dpop+jwt"));
        Assert.That(header["alg"]!.GetValue<string>(), Is.EqualTo("ES256"));
        Assert.That(claims["htm"]!.GetValue<string>(), Is.EqualTo("POST"));
        Assert.That(claims["htu"]!.GetValue<string>(), Is.EqualTo("https://gateway.example/api/v2/proxy/outbound"));
        Assert.That(claims["ath"]!.GetValue<string>(), Is.EqualTo(AgentTokenCredential.AccessTokenHash("token-value")));
        Assert.That(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Decode(parts[2]), HashAlgorithmName.SHA256), Is.True);
        Assert.That(signer.Thumbprint, Has.Length.EqualTo(43));
    }
}
