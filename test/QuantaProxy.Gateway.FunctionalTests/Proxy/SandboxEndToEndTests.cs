using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Proxy;

/// <summary>The whole path against the Okta sandbox (not a scripted stand-in): every catalog operation, paging, 429s, audit.</summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class SandboxEndToEndTests(StoreKind store)
{
    private const string Token = "00e2e-sandbox-token";
    private OktaSandboxServer _okta = null!;
    private GatewayHost _host = null!;
    private TenantSession _tenant = null!;
    private string _bundle = null!;
    private string _integration = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _okta = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 250 });
        _host = await GatewayHost.StartAsync(store, new Dictionary<string, string?> { ["QuantaProxy:Okta:CallTimeout"] = "00:00:05" });
        _tenant = await TenantSession.CreateAsync(_host, "e2e");
        _bundle = await _tenant.BundleJsonAsync(_host);
        var credential = await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", _tenant.ApiKey, new { credential_type = "api_key", name = "okta", secret = new { token = Token } });
        var integration = await _host.OkAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, new
        {
            system_type = "okta", name = "sandbox", okta_domain = _okta.BaseAddress.ToString().TrimEnd('/'), credential_id = credential["credential_id"]!.GetValue<string>(),
            allowed_operations = OktaOperationCatalog.Default.All.Select(o => o.Name).Where(n => n != "clear_user_sessions").ToArray(),
        });
        _integration = integration["integration_id"]!.GetValue<string>();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (_okta is not null) await _okta.DisposeAsync();
    }

    private async Task<JsonNode> CallAsync(string operation, object? payload = null)
    {
        using var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/proxy/outbound", _tenant.ApiKey, new { integration_id = _integration, operation, payload = payload ?? new { } });
        using var response = await _host.Client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{operation}: {Encoding.UTF8.GetString(bytes)}");
        var plaintext = JsonNode.Parse(EnvelopeTestOpener.Open(_bundle, bytes, response.Headers.GetValues("X-Request-Id").Single()))!;
        Assert.That(plaintext["operation"]!.GetValue<string>(), Is.EqualTo(operation));
        return plaintext;
    }

    [Test]
    public async Task Every_catalog_operation_works_against_the_sandbox()
    {
        var users = await CallAsync("list_users", new { limit = 5 });
        Assert.That(users["status"]!.GetValue<int>(), Is.EqualTo(200));
        Assert.That(users["body"]!.AsArray(), Has.Count.EqualTo(5));
        Assert.That(users["rate_limit"]!["limit"]!.GetValue<long>(), Is.GreaterThan(0));
        Assert.That(users["okta_request_id"]!.GetValue<string>(), Does.StartWith("sbx"));
        var userId = users["body"]![0]!["id"]!.GetValue<string>();
        var groups = await CallAsync("list_groups", new { limit = 3 });
        var groupId = groups["body"]![1]!["id"]!.GetValue<string>();
        var apps = await CallAsync("list_applications");
        var appId = apps["body"]![0]!["id"]!.GetValue<string>();

        var created = await CallAsync("create_user", new { activate = true, profile = new { first_name = "Grace", last_name = "Hopper", email = "grace@example.com", login = "grace@example.com" } });
        Assert.That(created["status"]!.GetValue<int>(), Is.EqualTo(200), created.ToJsonString());
        var newId = created["body"]!["id"]!.GetValue<string>();
        Assert.That(_okta.Stats.CreatedUsers, Is.EqualTo(1));

        var calls = new (string Operation, object Payload)[]
        {
            ("get_user", new { user_id = userId }),
            ("update_user", new { user_id = newId, profile = new { mobile_phone = "+1 555 0100" } }),
            ("suspend_user", new { user_id = newId }),
            ("unsuspend_user", new { user_id = newId }),
            ("deactivate_user", new { user_id = newId }),
            ("activate_user", new { user_id = newId }),
            ("list_user_groups", new { user_id = userId }),
            ("list_user_factors", new { user_id = userId }),
            ("get_group", new { group_id = groupId }),
            ("list_group_members", new { group_id = groupId }),
            ("add_user_to_group", new { group_id = groupId, user_id = newId }),
            ("remove_user_from_group", new { group_id = groupId, user_id = newId }),
            ("get_application", new { app_id = appId }),
            ("list_application_users", new { app_id = appId }),
            ("get_system_log", new { limit = 10 }),
        };
        foreach (var (operation, payload) in calls)
        {
            var answer = await CallAsync(operation, payload);
            Assert.That(answer["status"]!.GetValue<int>(), Is.InRange(200, 204), $"{operation}: {answer.ToJsonString()}");
        }

        var logs = await CallAsync("get_system_log", new { limit = 10 });
        Assert.That(logs["next_cursor"], Is.Not.Null, "log polling always has a next cursor");
        var missing = await CallAsync("get_user", new { user_id = "00unobody00000000000" });
        Assert.That(missing["status"]!.GetValue<int>(), Is.EqualTo(404));
        Assert.That(missing["body"]!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000007"));
    }

    [Test]
    public async Task The_forbidden_operation_is_refused_and_audited_without_reaching_Okta()
    {
        var before = _okta.Stats.Requests;
        var (response, problem) = await _host.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", _tenant.ApiKey,
            new { integration_id = _integration, operation = "clear_user_sessions", payload = new { user_id = "00u0000000000000000" } });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(problem!["code"]!.GetValue<string>(), Is.EqualTo("operation_not_allowed"));
        Assert.That(_okta.Stats.Requests, Is.EqualTo(before));
        var events = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?type=proxy.denied", _tenant.ApiKey);
        Assert.That(events["events"]!.AsArray().Select(e => e!["operation"]!.GetValue<string>()), Does.Contain("clear_user_sessions"));
    }

    [Test]
    public async Task Paging_with_next_cursor_visits_every_user_once()
    {
        var seen = new HashSet<string>();
        string? cursor = null;
        do
        {
            var page = await CallAsync("list_users", cursor is null ? new { limit = 100 } : new { limit = 100, after = cursor });
            foreach (var u in page["body"]!.AsArray()) Assert.That(seen.Add(u!["id"]!.GetValue<string>()), Is.True);
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        Assert.That(seen, Has.Count.GreaterThanOrEqualTo(250));
    }

    [Test]
    public async Task The_client_library_returns_the_verified_typed_result()
    {
        using var http = new QuantaProxy.Client.Http.QuantaProxyHttpClient(_host.BaseAddress, _tenant.ApiKey);
        using var bundle = QuantaProxy.Crypto.Envelopes.TenantKeyBundle.Parse(Encoding.UTF8.GetBytes(_bundle));
        var client = new QuantaProxy.Client.QuantaProxyClient(http, bundle);
        var result = await client.ProxyAsync(_integration, "list_users", new { limit = 3 });
        Assert.That(result.Success, Is.True);
        Assert.That(result.Status, Is.EqualTo(200));
        Assert.That(result.Body.GetArrayLength(), Is.EqualTo(3));
        Assert.That(result.NextCursor, Is.Not.Null);
        Assert.That(result.AuditEventId, Does.StartWith("aud_"));
        var failure = await client.ProxyAsync(_integration, "get_user", new { user_id = "00unobody00000000000" });
        Assert.That((failure.Success, failure.Status), Is.EqualTo((false, 404)));
        var refused = Assert.ThrowsAsync<QuantaProxy.Client.Http.QuantaProxyApiException>(() => client.ProxyAsync(_integration, "list_users", new { limit = 500 }));
        Assert.That((refused!.Status, refused.Code, refused.Field), Is.EqualTo((400, "invalid_payload", "payload.limit")));
    }

    [Test]
    public async Task A_429_is_waited_out_with_retry_headers()
    {
        _okta.Faults.RateLimitResetIn = TimeSpan.FromSeconds(1);
        _okta.Faults.RateLimitNextRequests = 1;
        var answer = await CallAsync("list_groups", new { limit = 2 });
        Assert.That(answer["status"]!.GetValue<int>(), Is.EqualTo(200));
        Assert.That(_okta.Stats.RetryHeaders.Select(h => h.RetryCount), Does.Contain("1"));
    }
}
