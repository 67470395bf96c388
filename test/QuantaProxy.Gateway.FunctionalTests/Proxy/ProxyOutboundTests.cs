using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Proxy;

/// <summary>The proxy end to end over real loopback HTTP: gateway → YARP forwarder → an Okta-shaped upstream.</summary>
public sealed class ProxyOutboundTests
{
    private GatewayHost _host = null!;
    private ScriptedOktaUpstream _okta = null!;
    private TenantSession _tenant = null!;
    private string _bundle = null!;
    private string _credentialId = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _okta = await ScriptedOktaUpstream.StartAsync();
        _host = await GatewayHost.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?>
        {
            ["QuantaProxy:Okta:CallTimeout"] = "00:00:05",
            ["QuantaProxy:Okta:MaxRetryWait"] = "00:00:03",
        });
        _tenant = await TenantSession.CreateAsync(_host);
        _bundle = await _tenant.BundleJsonAsync(_host);
        var sealedCredential = await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", _tenant.ApiKey,
            new { credential_type = "api_key", name = "okta", secret = new { token = _okta.Token } });
        _credentialId = sealedCredential["credential_id"]!.GetValue<string>();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _okta.DisposeAsync();
    }

    private async Task<string> IntegrationAsync(params string[] operations)
    {
        var created = await _host.OkAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, new
        {
            system_type = "okta", name = "sandbox", okta_domain = _okta.BaseUrl, credential_id = _credentialId,
            allowed_operations = operations.Length == 0 ? OktaOperationCatalog.Default.All.Select(o => o.Name).ToArray() : operations,
        });
        return created["integration_id"]!.GetValue<string>();
    }

    private async Task<(HttpResponseMessage Response, byte[] Bytes)> CallRawAsync(string integrationId, string operation, object? payload, string? idempotencyKey = null, string? apiKey = null)
    {
        using var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/proxy/outbound", apiKey ?? _tenant.ApiKey, new { integration_id = integrationId, operation, payload });
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        var response = await _host.Client.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    private async Task<JsonNode> CallAsync(string integrationId, string operation, object? payload = null, string? idempotencyKey = null)
    {
        var (response, bytes) = await CallRawAsync(integrationId, operation, payload, idempotencyKey);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{operation}: {Encoding.UTF8.GetString(bytes)}");
        var plaintext = EnvelopeTestOpener.Open(_bundle, bytes, response.Headers.GetValues("X-Request-Id").Single());
        var node = JsonNode.Parse(plaintext)!;
        Assert.That(node["operation"]!.GetValue<string>(), Is.EqualTo(operation));
        return node;
    }

    private static readonly Dictionary<string, object?> Payloads = new()
    {
        ["list_users"] = new { limit = 2 },
        ["get_user"] = new { user_id = "00u1" },
        ["create_user"] = new { activate = true, profile = new { first_name = "Ada", last_name = "L", email = "ada@example.com", login = "ada@example.com" } },
        ["update_user"] = new { user_id = "00u1", profile = new { last_name = "Lovelace" } },
        ["deactivate_user"] = new { user_id = "00u1", send_email = false },
        ["activate_user"] = new { user_id = "00u1" },
        ["suspend_user"] = new { user_id = "00u1" },
        ["unsuspend_user"] = new { user_id = "00u1" },
        ["clear_user_sessions"] = new { user_id = "00u1" },
        ["list_user_groups"] = new { user_id = "00u1" },
        ["list_user_factors"] = new { user_id = "00u1" },
        ["list_groups"] = new { q = "eng", limit = 10 },
        ["get_group"] = new { group_id = "00g1" },
        ["list_group_members"] = new { group_id = "00g1", limit = 5 },
        ["add_user_to_group"] = new { group_id = "00g1", user_id = "00u1" },
        ["remove_user_from_group"] = new { group_id = "00g1", user_id = "00u1" },
        ["list_applications"] = new { limit = 20 },
        ["get_application"] = new { app_id = "0oa1" },
        ["list_application_users"] = new { app_id = "0oa1" },
        ["get_system_log"] = new { since = "2025-01-01T00:00:00Z", sort_order = "ASCENDING" },
    };

    /// <summary>The listed payload, or for the governance reads an id for each path parameter (and a policy type, which Okta requires).</summary>
    private static object PayloadFor(OktaOperation op)
    {
        if (Payloads.TryGetValue(op.Name, out var listed) && listed is not null) return listed;
        var payload = new JsonObject();
        foreach (var field in op.PathFields) payload[field] = "0x" + field.Length;
        if (op.QueryParameters.Any(q => q.Required)) payload["type"] = "PASSWORD";
        return payload;
    }

    [Test]
    public async Task Every_catalog_operation_reaches_okta_and_answers_an_envelope()
    {
        var integration = await IntegrationAsync();
        foreach (var op in OktaOperationCatalog.Default.All)
        {
            var payload = PayloadFor(op);
            var node = await CallAsync(integration, op.Name, payload);
            var seen = _okta.Requests.Last();
            var expected = op.Validate(System.Text.Json.JsonSerializer.SerializeToElement(payload, GatewayHost.Json));
            Assert.Multiple(() =>
            {
                Assert.That(node["status"]!.GetValue<int>(), Is.InRange(200, 204), op.Name);
                Assert.That(node["okta_request_id"]!.GetValue<string>(), Does.StartWith("req-"), op.Name);
                Assert.That(node["rate_limit"]!["limit"]!.GetValue<long>(), Is.EqualTo(600), op.Name);
                Assert.That(seen.Method, Is.EqualTo(op.Method.Method), op.Name);
                Assert.That(seen.PathAndQuery, Is.EqualTo(expected.PathAndQuery), op.Name);
                Assert.That(seen.UserAgent, Is.EqualTo("QuantaProxy/1.0"));
                Assert.That(seen.Body, Is.EqualTo(expected.JsonBody is null ? "" : Encoding.UTF8.GetString(expected.JsonBody)), op.Name);
            });
        }
    }

    [Test]
    public async Task Pagination_follows_next_cursor_across_all_users()
    {
        var integration = await IntegrationAsync("list_users");
        var ids = new List<string>();
        string? cursor = null;
        for (var page = 0; page < 10; page++)
        {
            var node = await CallAsync(integration, "list_users", cursor is null ? new { limit = 2 } : new { limit = 2, after = cursor });
            ids.AddRange(node["body"]!.AsArray().Select(u => u!["id"]!.GetValue<string>()));
            cursor = node["next_cursor"]?.GetValue<string>();
            if (cursor is null) break;
        }
        Assert.That(ids, Is.EqualTo(ScriptedOktaUpstream.UserIds));
    }

    [Test]
    public async Task Okta_errors_are_envelopes_with_a_hint()
    {
        var integration = await IntegrationAsync("get_user");
        _okta.Then(async http =>
        {
            http.Response.StatusCode = 403;
            http.Response.Headers.WWWAuthenticate = "Bearer authorization_uri=\"x\", error=\"insufficient_scope\", error_description=\"...\"";
            await Task.CompletedTask;
        });
        var node = await CallAsync(integration, "get_user", new { user_id = "00u1" });
        Assert.Multiple(() =>
        {
            Assert.That(node["status"]!.GetValue<int>(), Is.EqualTo(403));
            Assert.That(node["body"], Is.Null);
            Assert.That(node["hint"]!.GetValue<string>(), Does.Contain("okta.users.read"));
        });
    }

    [Test]
    public async Task Rate_limit_within_deadline_waits_and_retries_with_retry_headers()
    {
        var integration = await IntegrationAsync("get_user");
        _okta.ThenRateLimited(TimeSpan.FromSeconds(1));
        var before = _okta.Requests.Count;
        var node = await CallAsync(integration, "get_user", new { user_id = "00u1" });
        var seen = _okta.Requests.Skip(before).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(node["status"]!.GetValue<int>(), Is.EqualTo(200));
            Assert.That(seen, Has.Count.EqualTo(2));
            Assert.That(seen[0].RetryFor, Is.Null);
            Assert.That(seen[1].RetryFor, Does.StartWith("req-"));
            Assert.That(seen[1].RetryCount, Is.EqualTo("1"));
        });
    }

    [Test]
    public async Task Rate_limit_beyond_deadline_is_a_429_problem_with_retry_after()
    {
        var integration = await IntegrationAsync("get_user");
        _okta.ThenRateLimited(TimeSpan.FromSeconds(40));
        var before = _okta.Requests.Count;
        var (response, bytes) = await CallRawAsync(integration, "get_user", new { user_id = "00u1" });
        var problem = JsonNode.Parse(bytes)!;
        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(429));
            Assert.That(problem["code"]!.GetValue<string>(), Is.EqualTo("okta_rate_limited"));
            Assert.That(response.Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.FromSeconds(30)));
            Assert.That(_okta.Requests.Count - before, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Server_error_on_create_user_is_not_retried_but_reads_are()
    {
        var integration = await IntegrationAsync("create_user", "get_user");
        _okta.ThenStatus(500);
        var before = _okta.Requests.Count;
        var created = await CallAsync(integration, "create_user", Payloads["create_user"]);
        Assert.Multiple(() =>
        {
            Assert.That(created["status"]!.GetValue<int>(), Is.EqualTo(500));
            Assert.That(_okta.Requests.Count - before, Is.EqualTo(1), "create_user is sent once");
        });
        _okta.ThenStatus(503);
        before = _okta.Requests.Count;
        var read = await CallAsync(integration, "get_user", new { user_id = "00u1" });
        Assert.Multiple(() =>
        {
            Assert.That(read["status"]!.GetValue<int>(), Is.EqualTo(200));
            Assert.That(_okta.Requests.Count - before, Is.EqualTo(2), "get_user is retried once after the 503");
        });
    }

    [Test]
    public async Task Idempotency_key_replays_the_first_create_user_answer()
    {
        var integration = await IntegrationAsync("create_user");
        var key = "create-" + Guid.NewGuid().ToString("N");
        var before = _okta.Requests.Count;
        var (first, firstBytes) = await CallRawAsync(integration, "create_user", Payloads["create_user"], key);
        var (second, secondBytes) = await CallRawAsync(integration, "create_user", Payloads["create_user"], key);
        Assert.Multiple(() =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(secondBytes, Is.EqualTo(firstBytes));
            Assert.That(second.Headers.GetValues("Idempotent-Replayed").Single(), Is.EqualTo("true"));
            Assert.That(_okta.Requests.Count - before, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Refusals_are_problems_and_nothing_reaches_okta()
    {
        var integration = await IntegrationAsync("list_users");
        var before = _okta.Requests.Count;
        var (notAllowed, notAllowedBody) = await CallRawAsync(integration, "get_user", new { user_id = "00u1" });
        var (unknown, unknownBody) = await CallRawAsync(integration, "delete_everything", null);
        var (invalid, invalidBody) = await CallRawAsync(integration, "list_users", new { limit = 500 });
        var (traversal, traversalBody) = await CallRawAsync(await IntegrationAsync("get_user"), "get_user", new { user_id = "../../admin" });
        var (extra, extraBody) = await CallRawAsync(integration, "list_users", new { limit = 5, expand = "x" });
        var (longFilter, longFilterBody) = await CallRawAsync(integration, "list_users", new { filter = new string('a', 1025) });
        Assert.Multiple(() =>
        {
            Assert.That((int)notAllowed.StatusCode, Is.EqualTo(403));
            Assert.That(JsonNode.Parse(notAllowedBody)!["code"]!.GetValue<string>(), Is.EqualTo("operation_not_allowed"));
            Assert.That((int)unknown.StatusCode, Is.EqualTo(400));
            Assert.That(JsonNode.Parse(unknownBody)!["code"]!.GetValue<string>(), Is.EqualTo("unknown_operation"));
            foreach (var (response, body, field) in new[] { (invalid, invalidBody, "payload.limit"), (traversal, traversalBody, "payload.user_id"), (extra, extraBody, "payload"), (longFilter, longFilterBody, "payload.filter") })
            {
                Assert.That((int)response.StatusCode, Is.EqualTo(400));
                Assert.That(JsonNode.Parse(body)!["code"]!.GetValue<string>(), Is.EqualTo("invalid_payload"));
                Assert.That(Encoding.UTF8.GetString(body), Does.Contain(field));
            }
            Assert.That(Encoding.UTF8.GetString(traversalBody), Does.Not.Contain("admin"));
            Assert.That(_okta.Requests.Count, Is.EqualTo(before));
        });
        var denied = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?type=proxy.denied", _tenant.ApiKey);
        Assert.That(denied["events"]!.AsArray().Select(e => e!["outcome"]!.GetValue<string>()), Does.Contain("operation_not_allowed").And.Contain("invalid_payload"));
    }

    [Test]
    public async Task Another_tenants_integration_is_not_found()
    {
        var integration = await IntegrationAsync("list_users");
        var other = await TenantSession.CreateAsync(_host, "other");
        var (response, body) = await CallRawAsync(integration, "list_users", null, apiKey: other.ApiKey);
        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(404));
            Assert.That(JsonNode.Parse(body)!["code"]!.GetValue<string>(), Is.EqualTo("integration_not_found"));
        });
    }

    [Test]
    public async Task Integration_domains_outside_policy_are_refused()
    {
        foreach (var domain in new[] { "https://93.184.216.34", "https://evil.example.com", "http://acme.okta.com", "http://10.0.0.5:8080" })
        {
            var (response, body) = await _host.SendAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, new
            {
                system_type = "okta", name = "x", okta_domain = domain, credential_id = _credentialId, scopes = new[] { "okta.users.read" }, allowed_operations = new[] { "list_users" },
            });
            Assert.That((int)response.StatusCode, Is.EqualTo(400), domain);
            Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("invalid_okta_domain"), domain);
        }
    }

    [Test]
    public async Task Unknown_operation_in_allowed_operations_is_refused()
    {
        var (response, body) = await _host.SendAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, new
        {
            system_type = "okta", name = "x", okta_domain = _okta.BaseUrl, credential_id = _credentialId, scopes = new[] { "okta.users.read" }, allowed_operations = new[] { "list_users", "drop_org" },
        });
        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(400));
            Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("unknown_operation"));
            Assert.That(body["field"]?.GetValue<string>() ?? body.ToJsonString(), Does.Contain("allowed_operations[1]"));
        });
    }
}
