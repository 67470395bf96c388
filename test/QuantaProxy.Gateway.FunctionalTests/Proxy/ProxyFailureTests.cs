using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Proxy;

/// <summary>Failures of the path to Okta (not Okta's answers): open circuit, unreachable org.</summary>
public sealed class ProxyFailureTests
{
    private GatewayHost _host = null!;
    private TenantSession _tenant = null!;
    private const string Token = "00failureTESTtoken";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await GatewayHost.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["QuantaProxy:Okta:CallTimeout"] = "00:00:05" });
        _tenant = await TenantSession.CreateAsync(_host);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Nothing to stop when the fixture was inconclusive (no server) before it started anything.
        if (_host is not null) await _host.DisposeAsync();
    }

    private async Task<string> IntegrationAsync(string domain, params string[] operations)
    {
        var credential = await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", _tenant.ApiKey, new { credential_type = "api_key", name = "okta", secret = new { token = Token } });
        var created = await _host.OkAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, new
        {
            system_type = "okta", name = "x", okta_domain = domain, credential_id = credential["credential_id"]!.GetValue<string>(),
            allowed_operations = operations,
        });
        return created["integration_id"]!.GetValue<string>();
    }

    private async Task<(HttpResponseMessage Response, JsonNode? Body)> CallAsync(string integrationId, string operation, object payload, string? idempotencyKey = null)
    {
        using var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/proxy/outbound", _tenant.ApiKey, new { integration_id = integrationId, operation, payload });
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await _host.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, JsonNode.Parse(text));
    }

    [Test]
    public async Task Repeated_server_errors_open_the_circuit_for_that_integration()
    {
        await using var okta = await ScriptedOktaUpstream.StartAsync(Token);
        for (var i = 0; i < 5; i++) okta.ThenStatus(503);
        var integration = await IntegrationAsync(okta.BaseUrl, "get_user");
        var (first, firstBody) = await CallAsync(integration, "get_user", new { user_id = "00u1" });
        var (second, secondBody) = await CallAsync(integration, "get_user", new { user_id = "00u1" });
        Assert.Multiple(() =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK), "Okta's 503 is an answer (an envelope)");
            Assert.That((int)second.StatusCode, Is.EqualTo(503), secondBody?.ToJsonString());
            Assert.That(secondBody!["code"]!.GetValue<string>(), Is.EqualTo("circuit_open"));
            Assert.That(second.Headers.RetryAfter, Is.Not.Null);
            Assert.That(okta.Requests, Has.Count.EqualTo(5), "the open circuit stops further requests");
        });
        var (third, thirdBody) = await CallAsync(integration, "get_user", new { user_id = "00u1" });
        Assert.That(thirdBody!["code"]!.GetValue<string>(), Is.EqualTo("circuit_open"));
        Assert.That(okta.Requests, Has.Count.EqualTo(5));
        Assert.That((int)third.StatusCode, Is.EqualTo(503));
    }

    [Test]
    public async Task Unreachable_org_is_502_and_releases_the_idempotency_key()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var integration = await IntegrationAsync($"http://127.0.0.1:{port}", "create_user");
        var payload = new { profile = new { first_name = "A", last_name = "B", email = "a@example.com", login = "a@example.com" } };
        var key = "k-" + Guid.NewGuid().ToString("N");
        var (first, firstBody) = await CallAsync(integration, "create_user", payload, key);
        var (second, secondBody) = await CallAsync(integration, "create_user", payload, key);
        Assert.Multiple(() =>
        {
            Assert.That((int)first.StatusCode, Is.EqualTo(502), firstBody?.ToJsonString());
            Assert.That(firstBody!["code"]!.GetValue<string>(), Is.EqualTo("upstream_unavailable"));
            // Not 409 "in progress": the key was released because the request never left. Connect failures are retried
            // (even for create_user, as nothing was sent), so the second call's attempts reach the breaker's threshold.
            Assert.That((int)second.StatusCode, Is.EqualTo(503), secondBody?.ToJsonString());
            Assert.That(secondBody!["code"]!.GetValue<string>(), Is.EqualTo("circuit_open"));
        });
    }
}
