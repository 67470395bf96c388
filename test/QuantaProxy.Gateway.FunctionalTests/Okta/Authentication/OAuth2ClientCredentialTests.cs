using System.Net;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Okta.Authentication;

/// <summary>
/// An <c>oauth2_client</c> credential (an OIN API service integration's client id and secret) through the gateway against
/// the sandbox: client_secret_basic at the org authorization server, one cached token for many calls, a DPoP-bound token
/// when the app requires DPoP, and Okta's invalid_client for a wrong secret answered like any token refusal (Okta's 401 in the envelope).
/// </summary>
public sealed class OAuth2ClientCredentialTests
{
    private const string BearerApp = "0oaoinbearer0000001";
    private const string DpopApp = "0oaoindpop00000001";
    // Characters that must be form-encoded in client_secret_basic reach Okta intact.
    private const string Secret = "s3cr:et%+x y/é";
    private OktaSandboxServer _okta = null!;
    private GatewayHost _host = null!;
    private TenantSession _tenant = null!;
    private string _bundle = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var options = new SandboxOptions { SeedUsers = 5 };
        options.ServiceApps.Add(new SandboxServiceApp { ClientId = BearerApp, ClientSecret = Secret, RequireDpop = false });
        options.ServiceApps.Add(new SandboxServiceApp { ClientId = DpopApp, ClientSecret = Secret });
        _okta = await OktaSandboxServer.StartAsync(options);
        _host = await GatewayHost.StartAsync();
        _tenant = await TenantSession.CreateAsync(_host, "oin");
        _bundle = await _tenant.BundleJsonAsync(_host);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _okta.DisposeAsync();
    }

    private async Task<string> IntegrationAsync(string clientId, string secret)
    {
        var credential = await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", _tenant.ApiKey,
            new { credential_type = "oauth2_client", name = "oin", secret = new { client_id = clientId, client_secret = secret } });
        var integration = await _host.OkAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, new
        {
            system_type = "okta", name = "oin", okta_domain = _okta.BaseAddress.ToString().TrimEnd('/'),
            credential_id = credential["credential_id"]!.GetValue<string>(), allowed_operations = new[] { "list_users" },
        });
        return integration["integration_id"]!.GetValue<string>();
    }

    private async Task<(HttpStatusCode Status, JsonNode Answer)> ListAsync(string integration)
    {
        using var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/proxy/outbound", _tenant.ApiKey, new { integration_id = integration, operation = "list_users", payload = new { limit = 2 } });
        using var response = await _host.Client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK) return (response.StatusCode, JsonNode.Parse(bytes)!);
        return (response.StatusCode, JsonNode.Parse(EnvelopeTestOpener.Open(_bundle, bytes, response.Headers.GetValues("X-Request-Id").Single()))!);
    }

    [TestCase(BearerApp, TestName = "An API service integration gets a Bearer token with client_secret_basic and reuses it")]
    [TestCase(DpopApp, TestName = "An API service integration that requires DPoP gets a DPoP-bound token with client_secret_basic")]
    public async Task Calls_with_a_client_secret(string clientId)
    {
        var integration = await IntegrationAsync(clientId, Secret);
        var issued = _okta.Stats.TokensIssued;
        for (var i = 0; i < 3; i++)
        {
            var (status, answer) = await ListAsync(integration);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), answer.ToJsonString());
            Assert.That(answer["status"]!.GetValue<int>(), Is.EqualTo(200), answer.ToJsonString());
            Assert.That(answer["body"]!.AsArray(), Has.Count.EqualTo(2));
        }
        Assert.That(_okta.Stats.TokensIssued, Is.EqualTo(issued + 1), "one token for all three calls");
    }

    [Test]
    public async Task A_wrong_secret_is_Okta_invalid_client_and_nothing_reaches_the_Management_API()
    {
        var integration = await IntegrationAsync(BearerApp, "not-the-secret");
        var requests = _okta.Stats.ByOperation.Values.Sum();
        var (status, answer) = await ListAsync(integration);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), answer.ToJsonString());
        Assert.That(answer["status"]!.GetValue<int>(), Is.EqualTo(401));
        Assert.That(answer["body"]!["error"]!.GetValue<string>(), Is.EqualTo("invalid_client"));
        Assert.That(answer["hint"]!.GetValue<string>(), Does.Contain("client_secret_basic"));
        Assert.That(_okta.Stats.ByOperation.Values.Sum(), Is.EqualTo(requests), "no Management API call");
    }
}
