using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Proxy;

/// <summary>
/// Service-app auth end to end against the sandbox's org authorization server: private_key_jwt client assertions, DPoP
/// (nonce round, ath-bound proofs on every call), token caching and single-flight renewal, renewal on 401, expiry,
/// failing closed, and Okta's refusals (invalid_client, invalid_scope, insufficient_scope) reported in the envelope.
/// </summary>
public sealed class ServiceAppEndToEndTests
{
    private const string ClientId = "0oaquantaproxy";
    private const string ReadOnlyClientId = "0oareadonly";
    private const string SandboxToken = "00svcapp-sandbox-token";
    // Shared by the sandbox and the gateway: renewal and expiry are reached by moving it, not by waiting.
    private readonly SandboxClock _clock = new();
    private OktaSandboxServer _okta = null!;
    private GatewayHost _host = null!;
    private TenantSession _tenant = null!;
    private string _bundle = null!;
    private string _privateJwk = null!;
    private string _readOnlyJwk = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        (_privateJwk, var publicJwk) = ServiceAppKeys.Rsa("rsa-1");
        (_readOnlyJwk, var readOnlyPublic) = ServiceAppKeys.EcP256("ec-1");
        var options = new SandboxOptions { Clock = _clock, SeedUsers = 60, AccessTokenLifetime = TimeSpan.FromSeconds(4), ApiTokens = { SandboxToken } };
        options.ServiceApps.Add(new SandboxServiceApp { ClientId = ClientId, Keys = { publicJwk } });
        options.ServiceApps.Add(new SandboxServiceApp { ClientId = ReadOnlyClientId, Keys = { readOnlyPublic }, GrantedScopes = ["okta.users.read", "okta.groups.read"] });
        _okta = await OktaSandboxServer.StartAsync(options);
        _host = await GatewayHost.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?> { ["QuantaProxy:Okta:CallTimeout"] = "00:00:05" },
            b => b.Services.AddSingleton<TimeProvider>(_clock));
        _tenant = await TenantSession.CreateAsync(_host, "svcapp");
        _bundle = await _tenant.BundleJsonAsync(_host);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _okta.DisposeAsync();
    }

    [TearDown]
    public void ClearFaults() => _okta.Faults.ClearTokenFaults();

    /// <param name="scopes">Null: derived by the gateway from the operations.</param>
    /// <param name="operations">Null: every catalog operation.</param>
    private async Task<string> IntegrationAsync(string clientId, string kid, string privateJwk, string[]? scopes, string[]? operations = null)
    {
        var credential = await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", _tenant.ApiKey,
            new { credential_type = "private_key_jwt", name = "svc", secret = ServiceAppKeys.Secret(clientId, kid, privateJwk) });
        var integration = await _host.OkAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, new
        {
            system_type = "okta", name = "svc", okta_domain = _okta.BaseAddress.ToString().TrimEnd('/'), credential_id = credential["credential_id"]!.GetValue<string>(),
            scopes, allowed_operations = operations ?? OktaOperationCatalog.Default.All.Select(o => o.Name).ToArray(),
        });
        return integration["integration_id"]!.GetValue<string>();
    }

    private Task<string> FullIntegrationAsync() => IntegrationAsync(ClientId, "rsa-1", _privateJwk, null);

    private async Task<(HttpStatusCode Status, JsonNode Answer)> CallAsync(string integration, string operation, object? payload = null)
    {
        using var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/proxy/outbound", _tenant.ApiKey, new { integration_id = integration, operation, payload = payload ?? new { } });
        using var response = await _host.Client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK) return (response.StatusCode, JsonNode.Parse(bytes)!);
        return (response.StatusCode, JsonNode.Parse(EnvelopeTestOpener.Open(_bundle, bytes, response.Headers.GetValues("X-Request-Id").Single()))!);
    }

    private async Task<JsonNode> OkAsync(string integration, string operation, object? payload = null)
    {
        var (status, answer) = await CallAsync(integration, operation, payload);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), answer.ToJsonString());
        return answer;
    }

    [Test]
    public async Task Every_catalog_operation_works_with_one_cached_DPoP_token()
    {
        var integration = await FullIntegrationAsync();
        var tokensBefore = _okta.Stats.TokenRequests;
        var users = await OkAsync(integration, "list_users", new { limit = 5 });
        Assert.That(users["status"]!.GetValue<int>(), Is.EqualTo(200), users.ToJsonString());
        var userId = users["body"]![0]!["id"]!.GetValue<string>();
        var groupId = (await OkAsync(integration, "list_groups", new { limit = 2 }))["body"]![0]!["id"]!.GetValue<string>();
        var appId = (await OkAsync(integration, "list_applications"))["body"]![0]!["id"]!.GetValue<string>();
        var created = await OkAsync(integration, "create_user", new { activate = true, profile = new { first_name = "Ada", last_name = "Lovelace", email = "ada@example.com", login = "ada@example.com" } });
        Assert.That(created["status"]!.GetValue<int>(), Is.EqualTo(200), created.ToJsonString());
        var newId = created["body"]!["id"]!.GetValue<string>();
        var calls = new (string Operation, object Payload)[]
        {
            ("get_user", new { user_id = userId }), ("update_user", new { user_id = newId, profile = new { mobile_phone = "+1 555 0101" } }),
            ("suspend_user", new { user_id = newId }), ("unsuspend_user", new { user_id = newId }), ("deactivate_user", new { user_id = newId }),
            ("activate_user", new { user_id = newId }), ("list_user_groups", new { user_id = userId }), ("list_user_factors", new { user_id = userId }),
            ("clear_user_sessions", new { user_id = userId }), ("get_group", new { group_id = groupId }), ("list_group_members", new { group_id = groupId }),
            ("add_user_to_group", new { group_id = groupId, user_id = newId }), ("remove_user_from_group", new { group_id = groupId, user_id = newId }),
            ("get_application", new { app_id = appId }), ("list_application_users", new { app_id = appId }), ("get_system_log", new { limit = 5 }),
        };
        foreach (var (operation, payload) in calls)
        {
            var answer = await OkAsync(integration, operation, payload);
            Assert.That(answer["status"]!.GetValue<int>(), Is.InRange(200, 204), $"{operation}: {answer.ToJsonString()}");
        }
        var governance = await GovernanceReadsAsync(integration, userId);
        Assert.That(calls.Select(c => c.Operation).Concat(governance).Concat(["list_users", "list_groups", "list_applications", "create_user"]),
            Is.EquivalentTo(OktaOperationCatalog.Default.All.Select(o => o.Name)), "every catalog operation is exercised");
        // One token for all the calls: the use_dpop_nonce round plus the request that got it.
        Assert.That(_okta.Stats.TokenRequests - tokensBefore, Is.EqualTo(2));
    }

    /// <summary>Each governance read, with ids taken from the listing before it; returns the operations it called.</summary>
    private async Task<List<string>> GovernanceReadsAsync(string integration, string userId)
    {
        var called = new List<string>();
        async Task<JsonNode> ReadAsync(string operation, object? payload = null)
        {
            var answer = await OkAsync(integration, operation, payload);
            Assert.That(answer["status"]!.GetValue<int>(), Is.EqualTo(200), $"{operation}: {answer.ToJsonString()}");
            called.Add(operation);
            return answer["body"]!;
        }
        string FirstId(JsonNode list) => list.AsArray()[0]!["id"]!.GetValue<string>();

        using (var sandbox = new HttpClient { BaseAddress = _okta.BaseAddress })
        {
            sandbox.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("SSWS", SandboxToken);
            var hook = """{"name":"Reviews","events":{"type":"EVENT_TYPE","items":["user.lifecycle.deactivate"]},"channel":{"type":"HTTP","version":"1.0.0","config":{"uri":"http://127.0.0.1:9/hook"}}}""";
            using var created = await sandbox.PostAsync("/api/v1/eventHooks", new StringContent(hook, Encoding.UTF8, "application/json"));
            Assert.That(created.IsSuccessStatusCode, Is.True, await created.Content.ReadAsStringAsync());
        }

        var firstUser = FirstId(await OkAsync(integration, "list_users", new { limit = 1 }) is var u ? u["body"]! : throw new InvalidOperationException());
        var userRoles = await ReadAsync("list_user_roles", new { user_id = firstUser });
        await ReadAsync("get_user_role", new { user_id = firstUser, role_assignment_id = FirstId(userRoles) });
        var groups = (await OkAsync(integration, "list_groups", new { limit = 2 }))["body"]!;
        var roleGroup = groups.AsArray()[1]!["id"]!.GetValue<string>();
        await ReadAsync("get_group_role", new { group_id = roleGroup, role_assignment_id = FirstId(await ReadAsync("list_group_roles", new { group_id = roleGroup })) });
        await ReadAsync("get_client_role", new { client_id = ClientId, role_assignment_id = FirstId(await ReadAsync("list_client_roles", new { client_id = ClientId })) });
        await ReadAsync("get_custom_role", new { role_id = FirstId((await ReadAsync("list_custom_roles"))["roles"]!) });
        await ReadAsync("get_resource_set", new { resource_set_id = FirstId((await ReadAsync("list_resource_sets"))["resource-sets"]!) });
        var policy = FirstId(await ReadAsync("list_policies", new { type = "PASSWORD", limit = 5 }));
        await ReadAsync("get_policy", new { policy_id = policy });
        await ReadAsync("list_policy_rules", new { policy_id = policy });
        var appId = FirstId((await OkAsync(integration, "list_applications"))["body"]!);
        await ReadAsync("list_app_grants", new { app_id = appId });
        await ReadAsync("list_user_grants", new { user_id = userId, limit = 20 });
        await ReadAsync("get_event_hook", new { event_hook_id = FirstId(await ReadAsync("list_event_hooks")) });
        var server = FirstId(await ReadAsync("list_authorization_servers", new { limit = 10 }));
        await ReadAsync("get_authorization_server", new { authorization_server_id = server });
        await ReadAsync("list_authorization_server_policies", new { authorization_server_id = server });
        await ReadAsync("get_trusted_origin", new { trusted_origin_id = FirstId(await ReadAsync("list_trusted_origins", new { limit = 5 })) });
        await ReadAsync("get_group_rule", new { group_rule_id = FirstId(await ReadAsync("list_group_rules", new { limit = 5 })) });
        await ReadAsync("get_network_zone", new { zone_id = FirstId(await ReadAsync("list_network_zones")) });
        await ReadAsync("get_identity_provider", new { idp_id = FirstId(await ReadAsync("list_identity_providers", new { type = "GOOGLE" })) });
        await ReadAsync("get_authenticator", new { authenticator_id = FirstId(await ReadAsync("list_authenticators")) });
        return called;
    }

    [Test]
    [NonParallelizable]
    public async Task Token_and_Okta_request_spans_exist_and_no_span_or_log_carries_key_assertion_proof_or_token()
    {
        var activities = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == "QuantaProxy" || s.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || s.Name.StartsWith("System.Net", StringComparison.Ordinal),
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        var gauges = new System.Collections.Concurrent.ConcurrentQueue<(string Name, long Value, string Tags)>();
        using var meters = new System.Diagnostics.Metrics.MeterListener();
        meters.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == "QuantaProxy") l.EnableMeasurementEvents(instrument); };
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => gauges.Enqueue((i.Name, v, string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        meters.SetMeasurementEventCallback<double>((i, v, _, _) => gauges.Enqueue((i.Name, (long)v, "")));
        meters.Start();
        var integration = await FullIntegrationAsync();
        _okta.Faults.RevokeAllTokens();
        await OkAsync(integration, "list_users", new { limit = 1 });

        meters.RecordObservableInstruments();
        Assert.That(gauges.Any(g => g.Name == "quantaproxy.okta.rate_limit_remaining" && g.Tags == $"integration_id={integration}" && g.Value > 0), Is.True,
            "the rate-limit gauge reports this integration's remaining budget");
        Assert.That(gauges.Select(g => g.Name), Does.Contain("quantaproxy.okta.token_requests").And.Contain("quantaproxy.okta.token_cache_lookups").And.Contain("quantaproxy.audit.lag"));
        var names = activities.Where(a => a.Source.Name == "QuantaProxy").Select(a => a.OperationName).ToList();
        Assert.That(names, Is.SupersetOf(new[] { "proxy.call", "okta.token", "okta.request", "vault.unseal", "envelope.seal" }));
        var privateD = System.Text.Json.JsonDocument.Parse(_privateJwk).RootElement.GetProperty("d").GetString()!;
        var everything = string.Join('\n', activities.SelectMany(a => a.TagObjects.Select(t => $"{a.OperationName} {t.Key}={t.Value}").Append(a.DisplayName)))
                         + _host.Logs.AllText;
        Assert.That(everything, Does.Not.Contain(privateD[..24]));
        // Client assertions and DPoP proofs are JWTs (base64url of '{"' starts "eyJ"); access tokens travel after "DPoP ".
        Assert.That(everything, Does.Not.Contain("eyJ"));
        Assert.That(everything, Does.Not.Contain("DPoP "));
    }

    [Test]
    [NonParallelizable]
    public async Task With_a_cached_token_the_private_key_is_not_unsealed_and_destroying_the_credential_stops_the_token()
    {
        var integration = await FullIntegrationAsync();
        await OkAsync(integration, "list_users", new { limit = 1 });
        var unseals = 0;
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == "QuantaProxy",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { if (a.OperationName == "vault.unseal" && (string?)a.GetTagItem("qp.credential_id") is { } id && id.StartsWith("vlt_", StringComparison.Ordinal)) Interlocked.Increment(ref unseals); },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        for (var i = 0; i < 5; i++) Assert.That((await OkAsync(integration, "list_users", new { limit = 1 }))["status"]!.GetValue<int>(), Is.EqualTo(200));
        Assert.That(unseals, Is.Zero, "the service app's private key stays sealed while its token is cached");

        var credentialId = (await _host.OkAsync(HttpMethod.Get, $"/api/v2/integrations/{integration}", _tenant.ApiKey))["credential_id"]!.GetValue<string>();
        await _host.OkAsync(HttpMethod.Delete, $"/api/v2/vault/{credentialId}", _tenant.ApiKey);
        var requestsBefore = _okta.Stats.Requests;
        var (status, _) = await CallAsync(integration, "list_users", new { limit = 1 });
        Assert.That(status, Is.EqualTo(HttpStatusCode.NotFound), "a destroyed credential's cached token is never used");
        Assert.That(_okta.Stats.Requests, Is.EqualTo(requestsBefore));
    }

    [Test]
    public async Task Concurrent_first_calls_share_one_token_request()
    {
        var integration = await FullIntegrationAsync();
        var before = _okta.Stats.TokenRequests;
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => OkAsync(integration, "list_groups", new { limit = 1 })));
        Assert.That(answers.Select(a => a["status"]!.GetValue<int>()), Is.All.EqualTo(200));
        Assert.That(_okta.Stats.TokenRequests - before, Is.EqualTo(2), "renewal is single-flight");
    }

    [Test]
    public async Task A_token_due_for_renewal_is_replaced_before_use()
    {
        var integration = await FullIntegrationAsync();
        var before = _okta.Stats.TokenRequests;
        await OkAsync(integration, "list_users", new { limit = 1 });
        // Tokens live 4 s, so the gateway renews them from 2 s on (half-life for short-lived tokens).
        _clock.Advance(TimeSpan.FromSeconds(2.2));
        var answer = await OkAsync(integration, "list_users", new { limit = 1 });
        Assert.That(answer["status"]!.GetValue<int>(), Is.EqualTo(200));
        Assert.That(_okta.Stats.TokenRequests - before, Is.EqualTo(4), "a second token was requested");
    }

    [Test]
    public async Task A_401_renews_the_token_once_and_the_call_succeeds()
    {
        var integration = await FullIntegrationAsync();
        await OkAsync(integration, "list_users", new { limit = 1 });
        var before = _okta.Stats.TokenRequests;
        _okta.Faults.RevokeAllTokens();
        var created = await OkAsync(integration, "create_user", new { profile = new { first_name = "Re", last_name = "New", email = "renew@example.com", login = "renew@example.com" } });
        Assert.That(created["status"]!.GetValue<int>(), Is.EqualTo(200), created.ToJsonString());
        Assert.That(_okta.Stats.TokenRequests - before, Is.EqualTo(2));
    }

    [Test]
    public async Task A_failed_renewal_fails_closed_and_never_presents_the_old_token()
    {
        var integration = await FullIntegrationAsync();
        await OkAsync(integration, "list_users", new { limit = 1 });
        // The token is still valid at Okta for another ~1.8 s, but due for renewal; renewal fails.
        _clock.Advance(TimeSpan.FromSeconds(2.2));
        _okta.Faults.FailTokenRequests(100);
        var requestsBefore = _okta.Stats.Requests;
        var (status, problem) = await CallAsync(integration, "list_users", new { limit = 1 });
        Assert.That((int)status, Is.InRange(500, 599), problem.ToJsonString());
        Assert.That(problem["code"]!.GetValue<string>(), Is.EqualTo("upstream_unavailable"));
        Assert.That(_okta.Stats.Requests, Is.EqualTo(requestsBefore), "no Management call was made with the old token");
        _okta.Faults.ClearTokenFaults();
        Assert.That((await OkAsync(integration, "list_users", new { limit = 1 }))["status"]!.GetValue<int>(), Is.EqualTo(200));
    }

    [Test]
    public async Task An_unregistered_key_is_invalid_client_in_the_envelope_with_a_hint()
    {
        var (otherKey, _) = ServiceAppKeys.Rsa("rsa-1");
        var integration = await IntegrationAsync(ClientId, "rsa-1", otherKey, null);
        var answer = await OkAsync(integration, "list_users", new { limit = 1 });
        Assert.That(answer["status"]!.GetValue<int>(), Is.EqualTo(401));
        Assert.That(answer["body"]!["error"]!.GetValue<string>(), Is.EqualTo("invalid_client"));
        Assert.That(answer["hint"]!.GetValue<string>(), Does.Contain("invalid_client").And.Contain("public key"));
    }

    [Test]
    public async Task Scopes_the_app_was_not_granted_are_invalid_scope_in_the_envelope()
    {
        var integration = await IntegrationAsync(ReadOnlyClientId, "ec-1", _readOnlyJwk, ["okta.users.read", "okta.apps.read"], ["list_users", "list_applications"]);
        var answer = await OkAsync(integration, "list_applications");
        Assert.That(answer["status"]!.GetValue<int>(), Is.EqualTo(400), answer.ToJsonString());
        Assert.That(answer["body"]!["error"]!.GetValue<string>(), Is.EqualTo("invalid_scope"));
        Assert.That(answer["hint"]!.GetValue<string>(), Does.Contain("okta.apps.read"));
    }

    [Test]
    public async Task A_token_without_the_operations_scope_is_insufficient_scope_with_the_scope_to_grant()
    {
        var integration = await IntegrationAsync(ReadOnlyClientId, "ec-1", _readOnlyJwk, null, ["list_users", "list_groups"]);
        // The gateway no longer accepts scopes that miss an allowed operation's; an integration stored before that check
        // (or a catalog that disagrees with Okta) still meets Okta's 403, which must come back with the scope to grant.
        await RawSql.ExecuteAsync(_host, "UPDATE integrations SET scopes = @s WHERE id = @id", ("s", "[\"okta.users.read\"]"), ("id", integration));
        Assert.That((await OkAsync(integration, "list_users", new { limit = 1 }))["status"]!.GetValue<int>(), Is.EqualTo(200));
        var answer = await OkAsync(integration, "list_groups", new { limit = 1 });
        Assert.That(answer["status"]!.GetValue<int>(), Is.EqualTo(403), answer.ToJsonString());
        Assert.That(answer["hint"]!.GetValue<string>(), Does.Contain("okta.groups.read"));
    }

    [Test]
    public async Task Rotating_the_sealed_credential_gets_a_new_token()
    {
        var integration = await FullIntegrationAsync();
        await OkAsync(integration, "list_users", new { limit = 1 });
        var before = _okta.Stats.TokenRequests;
        var info = await _host.OkAsync(HttpMethod.Get, $"/api/v2/integrations/{integration}", _tenant.ApiKey);
        var credentialId = info["credential_id"]!.GetValue<string>();
        await _host.OkAsync(HttpMethod.Put, $"/api/v2/vault/{credentialId}", _tenant.ApiKey,
            new { secret = ServiceAppKeys.Secret(ClientId, "rsa-1", _privateJwk) });
        await OkAsync(integration, "list_users", new { limit = 1 });
        Assert.That(_okta.Stats.TokenRequests - before, Is.EqualTo(2));
    }
}
