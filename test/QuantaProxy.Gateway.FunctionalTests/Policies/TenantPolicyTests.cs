using System.Net;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Policies;

/// <summary>
/// Tenant Cedar policies end to end, with the real gateway and the Okta sandbox: upload (parse and schema errors with
/// line and column, versions, hash), the policy stage's decisions (allow, forbid with reason, fail closed on errors,
/// facts about the target user read from Okta), the dry run and kill switches.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
[NonParallelizable]
public sealed class TenantPolicyTests(StoreKind store)
{
    private const string Token = "00policy-sandbox-token";
    private OktaSandboxServer _okta = null!;
    private GatewayHost _host = null!;
    private TenantSession _tenant = null!;
    private string _integration = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        // Inconclusive without PostgreSQL on a developer machine; a failure under CI=true (TestEnvironment).
        if (store == StoreKind.Postgres) _ = TestEnvironment.PostgresConnectionString;
        _okta = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 20 });
        _host = await GatewayHost.StartAsync(store);
        _tenant = await TenantSession.CreateAsync(_host, "policies");
        var credential = await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", _tenant.ApiKey, new { credential_type = "api_key", name = "okta", secret = new { token = Token } });
        var integration = await _host.OkAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, new
        {
            system_type = "okta", name = "sandbox", okta_domain = _okta.BaseAddress.ToString().TrimEnd('/'), credential_id = credential["credential_id"]!.GetValue<string>(),
            allowed_operations = OktaOperationCatalog.Default.All.Select(o => o.Name).ToArray(),
        });
        _integration = integration["integration_id"]!.GetValue<string>();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (_okta is not null) await _okta.DisposeAsync();
    }

    [TearDown]
    public async Task PoliciesOffAsync()
    {
        if (_host is not null) await UploadAsync("");
    }

    private async Task<JsonNode> UploadAsync(string text) => await _host.OkAsync(HttpMethod.Put, "/api/v2/policies", _tenant.ApiKey, new { policies = text });

    private async Task<(HttpStatusCode Status, JsonNode? Body)> CallAsync(string operation, object? payload = null)
    {
        var (response, body) = await _host.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", _tenant.ApiKey, new { integration_id = _integration, operation, payload = payload ?? new { } });
        return (response.StatusCode, body);
    }

    private async Task<JsonNode> LastEventAsync(string type) =>
        (await _host.OkAsync(HttpMethod.Get, $"/api/v2/audit/events?type={type}", _tenant.ApiKey))["events"]!.AsArray().Last()!;

    [Test]
    public async Task A_syntax_error_is_refused_naming_its_line_and_column_and_stores_nothing()
    {
        var (response, problem) = await _host.SendAsync(HttpMethod.Put, "/api/v2/policies", _tenant.ApiKey,
            new { policies = "permit(principal, action, resource);\nforbid(principal, action resource);" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem?.ToJsonString());
        Assert.That(problem!["code"]!.GetValue<string>(), Is.EqualTo("policy_syntax"));
        Assert.That(problem["detail"]?.GetValue<string>() ?? problem.ToJsonString(), Does.Contain("Line 2, column 26"));
        // The position as members too, for a client (the console's editor) to point at without reading prose.
        Assert.That((problem["line"]?.GetValue<int>(), problem["column"]?.GetValue<int>()), Is.EqualTo(((int?)2, (int?)26)), problem.ToJsonString());
    }

    [Test]
    public async Task An_unknown_attribute_or_action_is_refused_by_the_schema_check_with_line_and_column()
    {
        var (response, problem) = await _host.SendAsync(HttpMethod.Put, "/api/v2/policies", _tenant.ApiKey,
            new { policies = "permit(principal, action, resource)\n  when { context.args.departmnt == \"x\" };" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem?.ToJsonString());
        Assert.That(problem!["code"]!.GetValue<string>(), Is.EqualTo("policy_schema"));
        Assert.That(problem.ToJsonString(), Does.Contain("Line 2, column").And.Contain("departmnt"));
        Assert.That(problem["line"]?.GetValue<int>(), Is.EqualTo(2), problem.ToJsonString());

        (response, problem) = await _host.SendAsync(HttpMethod.Put, "/api/v2/policies", _tenant.ApiKey,
            new { policies = "permit(principal, action == QuantaProxy::Action::\"delete_everything\", resource);" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem?.ToJsonString());
        Assert.That(problem!["code"]!.GetValue<string>(), Is.EqualTo("policy_schema"));
    }

    [Test]
    public async Task Each_upload_is_a_new_version_and_the_active_one_is_served_with_its_hash()
    {
        const string text = "@id(\"all\") permit(principal, action, resource);";
        var first = await UploadAsync(text);
        var second = await UploadAsync(text + "\n@id(\"no-destructive\") forbid(principal, action in QuantaProxy::Action::\"destructive\", resource);");
        Assert.That(second["version"]!.GetValue<long>(), Is.EqualTo(first["version"]!.GetValue<long>() + 1));
        Assert.That(second["policy_ids"]!.AsArray().Select(i => i!.GetValue<string>()), Is.EqualTo(new[] { "all", "no-destructive" }));
        var active = await _host.OkAsync(HttpMethod.Get, "/api/v2/policies", _tenant.ApiKey);
        Assert.That(active["version"]!.GetValue<long>(), Is.EqualTo(second["version"]!.GetValue<long>()));
        Assert.That(active["sha256"]!.GetValue<string>(), Is.EqualTo(second["sha256"]!.GetValue<string>()).And.Length.EqualTo(64));
        Assert.That(active["policies"]!.GetValue<string>(), Does.Contain("no-destructive"));
        var versions = await _host.OkAsync(HttpMethod.Get, "/api/v2/policies/versions", _tenant.ApiKey);
        Assert.That(versions["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<long>()), Does.Contain(first["version"]!.GetValue<long>()));
        var old = await _host.OkAsync(HttpMethod.Get, $"/api/v2/policies?version={first["version"]}", _tenant.ApiKey);
        Assert.That(old["sha256"]!.GetValue<string>(), Is.EqualTo(first["sha256"]!.GetValue<string>()));
        var upload = await LastEventAsync("policy.upload");
        Assert.That(upload["detail"]!.GetValue<string>(), Does.Contain($"sha256={second["sha256"]}"));
    }

    [Test]
    public async Task A_forbid_refuses_with_its_id_and_reason_before_Okta_and_the_events_name_the_policy_set()
    {
        var set = await UploadAsync("""
            @id("reads") permit(principal, action in QuantaProxy::Action::"read", resource);
            @id("writes") permit(principal, action in QuantaProxy::Action::"write", resource);
            @id("no-destructive") @reason("Destructive operations need a person")
            forbid(principal, action in QuantaProxy::Action::"destructive", resource);
            """);
        var hash12 = set["sha256"]!.GetValue<string>()[..12];
        var (status, body) = await CallAsync("list_users", new { limit = 2 });
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
        var call = await LastEventAsync("proxy.call");
        Assert.That(call["detail"]!.GetValue<string>(), Does.Contain($"policy={hash12};policies=reads"));

        var before = _okta.Stats.Requests;
        (status, body) = await CallAsync("deactivate_user", new { user_id = "00u0000000000000000" });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden), body?.ToJsonString());
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("policy_denied"));
        Assert.That(body.ToJsonString(), Does.Contain("no-destructive").And.Contain("Destructive operations need a person"));
        Assert.That(_okta.Stats.Requests, Is.EqualTo(before));
        var denied = await LastEventAsync("proxy.denied");
        Assert.That(denied["detail"]!.GetValue<string>(), Does.Contain($"policy={hash12};policies=no-destructive"));
    }

    [Test]
    public async Task Without_a_permit_the_call_is_refused_and_an_erroring_forbid_fails_closed()
    {
        await UploadAsync("""@id("only-groups") permit(principal, action == QuantaProxy::Action::"list_groups", resource);""");
        var (status, body) = await CallAsync("list_users", new { limit = 1 });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden), body?.ToJsonString());
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("policy_denied"));

        // The forbid reads args.limit without `has`: with no limit it errors, and Cedar would skip it; the gateway refuses.
        await UploadAsync("""
            @id("all") permit(principal, action, resource);
            @id("small-pages") forbid(principal, action, resource) when { context.args.limit > 50 };
            """);
        (status, body) = await CallAsync("list_users", new { limit = 10 });
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
        (status, body) = await CallAsync("list_users", new { limit = 60 });
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("policy_denied"));
        (status, body) = await CallAsync("list_users");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden), body?.ToJsonString());
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("policy_error"));
        Assert.That(body.ToJsonString(), Does.Contain("small-pages").And.Contain("fails closed"));
    }

    [Test]
    public async Task A_policy_on_the_target_user_reads_their_groups_from_Okta()
    {
        using var okta = new HttpClient { BaseAddress = _okta.BaseAddress };
        okta.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("SSWS", Token);
        var groups = JsonNode.Parse(await okta.GetStringAsync("/api/v1/groups?limit=200"))!.AsArray();
        string adminGroup = null!, member = null!;
        HashSet<string> members = [];
        foreach (var g in groups)
        {
            var list = JsonNode.Parse(await okta.GetStringAsync($"/api/v1/groups/{g!["id"]}/users?limit=200"))!.AsArray();
            if (list.Count == 0) continue;
            adminGroup = g["id"]!.GetValue<string>();
            members = list.Select(u => u!["id"]!.GetValue<string>()).ToHashSet();
            member = members.First();
            break;
        }
        Assert.That(adminGroup, Is.Not.Null, "the sandbox seeds a group with members");
        var outsider = JsonNode.Parse(await okta.GetStringAsync("/api/v1/users?limit=200"))!.AsArray()
            .Select(u => u!["id"]!.GetValue<string>()).First(u => !members.Contains(u));
        await UploadAsync($$"""
            @id("all") permit(principal, action, resource);
            @id("protect-admins") @reason("Never touch members of Administrators")
            forbid(principal, action in QuantaProxy::Action::"write", resource)
              when { context has target && context.target.groups.contains("{{adminGroup}}") };
            """);
        var (status, body) = await CallAsync("suspend_user", new { user_id = member });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden), body?.ToJsonString());
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("policy_denied"));
        Assert.That(body.ToJsonString(), Does.Contain("protect-admins"));
        (status, body) = await CallAsync("suspend_user", new { user_id = outsider });
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
    }

    [Test]
    public async Task A_policy_on_the_target_group_reads_its_name_and_type_from_Okta()
    {
        using var okta = new HttpClient { BaseAddress = _okta.BaseAddress };
        okta.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("SSWS", Token);
        var groups = JsonNode.Parse(await okta.GetStringAsync("/api/v1/groups?limit=200"))!.AsArray();
        var protectedGroup = groups[1]!; // groups[0] is Everyone (BUILT_IN), whose membership Okta manages itself
        var otherGroup = groups[2]!["id"]!.GetValue<string>();
        var name = protectedGroup["profile"]!["name"]!.GetValue<string>();
        var user = JsonNode.Parse(await okta.GetStringAsync("/api/v1/users?limit=1"))!.AsArray()[0]!["id"]!.GetValue<string>();
        await UploadAsync($$"""
            @id("all") permit(principal, action, resource);
            @id("protect-group") @reason("Membership of {{name}} is managed in Okta only")
            forbid(principal, action in QuantaProxy::Action::"write", resource)
              when { context has target_group && context.target_group.name == "{{name}}" && context.target_group.type like "*GROUP*" };
            """);
        var (status, body) = await CallAsync("add_user_to_group", new { group_id = protectedGroup["id"]!.GetValue<string>(), user_id = user });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden), body?.ToJsonString());
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("policy_denied"));
        Assert.That(body.ToJsonString(), Does.Contain("protect-group").And.Contain("managed in Okta only"));
        (status, body) = await CallAsync("add_user_to_group", new { group_id = otherGroup, user_id = user });
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
        (status, body) = await CallAsync("get_group", new { group_id = protectedGroup["id"]!.GetValue<string>() });
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), "reads of the group are not writes");
    }

    [Test]
    public async Task Calls_are_counted_for_calls_today_only_while_a_policy_reads_the_count()
    {
        await UploadAsync("""@id("all") permit(principal, action, resource);""");
        for (var i = 0; i < 3; i++) Assert.That((await CallAsync("list_groups")).Status, Is.EqualTo(HttpStatusCode.OK));
        await UploadAsync("""
            @id("all") permit(principal, action, resource);
            @id("two-a-day") @reason("Two calls a day") forbid(principal, action, resource) when { context.calls_today >= 2 };
            """);
        Assert.That((await CallAsync("list_groups")).Status, Is.EqualTo(HttpStatusCode.OK), "the calls made while no policy read the count are not in it");
        Assert.That((await CallAsync("list_groups")).Status, Is.EqualTo(HttpStatusCode.OK));
        var (status, body) = await CallAsync("list_groups");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden), body?.ToJsonString());
        Assert.That(body!.ToJsonString(), Does.Contain("two-a-day"));
    }

    [Test]
    public async Task A_dry_run_answers_the_decision_and_the_facts_without_calling_Okta()
    {
        await UploadAsync("""
            @id("all") permit(principal, action, resource);
            @id("office-hours") @reason("Nothing on behalf of a person outside working hours")
            forbid(principal, action, resource) when { context has human && (context.time.hour < 8 || context.time.hour >= 18) };
            """);
        var before = _okta.Stats.Requests;
        var night = await _host.OkAsync(HttpMethod.Post, "/api/v2/policy/evaluate", _tenant.ApiKey, new
        {
            integration_id = _integration, operation = "get_user", payload = new { user_id = "00u1" },
            agent = new { issuer = "https://idp.example", client_id = "bot" }, human = new { id = "00uhuman", login = "h@example.com", groups = new[] { "00g1" } },
            at = "2026-12-04T22:00:00Z",
        });
        Assert.That(night["decision"]!.GetValue<string>(), Is.EqualTo("deny"));
        Assert.That(night["determining_policies"]!.AsArray().Select(p => p!.GetValue<string>()), Is.EqualTo(new[] { "office-hours" }));
        Assert.That(night["reasons"]![0]!.GetValue<string>(), Does.Contain("working hours"));
        Assert.That(night["principal"]!.GetValue<string>(), Is.EqualTo("QuantaProxy::Agent::\"https://idp.example|bot\""));
        Assert.That(night["context"]!["time"]!["hour"]!.GetValue<long>(), Is.EqualTo(22));
        Assert.That(night["context"]!["args"]!["user_id"]!.GetValue<string>(), Is.EqualTo("00u1"));
        var day = await _host.OkAsync(HttpMethod.Post, "/api/v2/policy/evaluate", _tenant.ApiKey, new
        {
            integration_id = _integration, operation = "get_user", payload = new { user_id = "00u1" }, human = new { id = "00uhuman" }, at = "2026-12-04T10:00:00Z",
        });
        Assert.That(day["decision"]!.GetValue<string>(), Is.EqualTo("allow"));
        Assert.That(day["determining_policies"]!.AsArray().Select(p => p!.GetValue<string>()), Is.EqualTo(new[] { "all" }));
        Assert.That(_okta.Stats.Requests, Is.EqualTo(before));
    }

    [TestCase("human", "login")]
    [TestCase("human", "groups")]
    [TestCase("target", "groups")]
    [TestCase("target_group", "name")]
    [TestCase("agent", "issuer")]
    public async Task A_dry_run_refuses_an_oversized_hypothetical_fact_naming_it(string fact, string field)
    {
        var huge = new string('a', 2000);
        var value = field == "groups" ? (object)new[] { "00g1", huge } : huge;
        var facts = fact switch
        {
            "agent" => new Dictionary<string, object> { ["issuer"] = "https://idp.example", ["client_id"] = "bot" },
            "target" => [],
            _ => new Dictionary<string, object> { ["id"] = "00g1" },
        };
        facts[field] = value;
        var body = new Dictionary<string, object> { ["integration_id"] = _integration, ["operation"] = "get_user", ["payload"] = new { user_id = "00u1" }, [fact] = facts };
        var (response, problem) = await _host.SendAsync(HttpMethod.Post, "/api/v2/policy/evaluate", _tenant.ApiKey, body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem?.ToJsonString());
        Assert.That(problem!["field"]?.GetValue<string>() ?? problem.ToJsonString(), Does.Contain($"{fact}.{field}"));
    }

    [Test]
    public async Task A_kill_switch_stops_the_integration_at_once_and_lifting_it_restores_calls()
    {
        var killed = await _host.SendAsync(HttpMethod.Post, "/api/v2/kill-switches", _tenant.ApiKey,
            new { target_type = "integration", target_id = _integration, reason = "incident 42" });
        Assert.That(killed.Response.StatusCode, Is.EqualTo(HttpStatusCode.Created), killed.Body?.ToJsonString());
        var id = killed.Body!["kill_switch_id"]!.GetValue<string>();
        var (status, body) = await CallAsync("list_users", new { limit = 1 });
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden), body?.ToJsonString());
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("kill_switch"));
        Assert.That(body.ToJsonString(), Does.Contain("incident 42"));
        var denied = await LastEventAsync("proxy.denied");
        Assert.That(denied["detail"]!.GetValue<string>(), Does.Contain($"kill_switch={id}"));
        var again = await _host.SendAsync(HttpMethod.Post, "/api/v2/kill-switches", _tenant.ApiKey, new { target_type = "integration", target_id = _integration });
        Assert.That(again.Response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));

        await _host.OkAsync(HttpMethod.Delete, $"/api/v2/kill-switches/{id}", _tenant.ApiKey);
        (status, body) = await CallAsync("list_users", new { limit = 1 });
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
        var created = await LastEventAsync("kill_switch.delete");
        Assert.That(created["detail"]!.GetValue<string>(), Does.Contain(id));
    }

    private async Task<string> DecideKeyAsync(string tenantId, string name) =>
        (await _host.OkAsync(HttpMethod.Post, "/api/v2/api-keys", _host.AdminKey, new { tenant_id = tenantId, name, scopes = new[] { "approvals:decide" } }))["api_key"]!.GetValue<string>();

    private async Task<string> SandboxUserAsync(int index)
    {
        using var okta = new HttpClient { BaseAddress = _okta.BaseAddress };
        okta.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("SSWS", Token);
        // Active users, from the end of the list (the target test suspends one from its start).
        return JsonNode.Parse(await okta.GetStringAsync("/api/v1/users?limit=200"))!.AsArray()
            .Where(u => u!["status"]!.GetValue<string>() == "ACTIVE").Reverse().ElementAt(index)!["id"]!.GetValue<string>();
    }

    private async Task<string> SandboxStatusAsync(string userId)
    {
        using var okta = new HttpClient { BaseAddress = _okta.BaseAddress };
        okta.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("SSWS", Token);
        return JsonNode.Parse(await okta.GetStringAsync($"/api/v1/users/{userId}"))!["status"]!.GetValue<string>();
    }

    [Test]
    public async Task A_call_held_for_two_approvals_runs_once_after_the_second_distinct_approver()
    {
        await UploadAsync("""
            @id("reads") permit(principal, action in QuantaProxy::Action::"read", resource);
            @id("suspend-two-people") @approval("2") @reason("Suspension needs two people")
            permit(principal, action == QuantaProxy::Action::"suspend_user", resource);
            """);
        var userId = await SandboxUserAsync(0);
        Assert.That(await SandboxStatusAsync(userId), Is.EqualTo("ACTIVE"));
        var first = await DecideKeyAsync(_tenant.TenantId, "approver-1");
        var second = await DecideKeyAsync(_tenant.TenantId, "approver-2");
        var other = await TenantSession.CreateAsync(_host, "elsewhere");
        var stranger = await DecideKeyAsync(other.TenantId, "approver-elsewhere");

        var before = _okta.Stats.Requests;
        var (response, held) = await _host.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", _tenant.ApiKey,
            new { integration_id = _integration, operation = "suspend_user", payload = new { user_id = userId } });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), held?.ToJsonString());
        var id = held!["approval_id"]!.GetValue<string>();
        Assert.That(response.Headers.Location!.ToString(), Is.EqualTo($"/api/v2/approvals/{id}"));
        Assert.That(held["state"]!.GetValue<string>(), Is.EqualTo("pending"));
        Assert.That(held["approvals_required"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(_okta.Stats.Requests, Is.EqualTo(before), "nothing reaches Okta before the approvals");
        await using (var connection = await RawSql.OpenAsync(_host))
        await using (var select = connection.CreateCommand())
        {
            select.CommandText = $"SELECT payload_ciphertext FROM approvals WHERE id = '{id}'";
            var stored = (byte[])(await select.ExecuteScalarAsync())!;
            Assert.That(System.Text.Encoding.UTF8.GetString(stored), Does.Not.Contain(userId), "the arguments are sealed at rest");
        }

        var path = $"/api/v2/approvals/{id}/approve";
        var (own, problem) = await _host.SendAsync(HttpMethod.Post, path, _tenant.ApiKey);
        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), problem?.ToJsonString());
        Assert.That(problem!["code"]!.GetValue<string>(), Is.EqualTo("approval_own_request"));
        var (foreign, _) = await _host.SendAsync(HttpMethod.Post, path, stranger);
        Assert.That(foreign.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        var one = await _host.OkAsync(HttpMethod.Post, path, first);
        Assert.That(one["state"]!.GetValue<string>(), Is.EqualTo("pending"));
        var (twice, duplicate) = await _host.SendAsync(HttpMethod.Post, path, first);
        Assert.That(twice.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(duplicate!["code"]!.GetValue<string>(), Is.EqualTo("approval_duplicate"));
        Assert.That(_okta.Stats.Requests, Is.EqualTo(before));

        var done = await _host.OkAsync(HttpMethod.Post, path, second);
        Assert.That(done["state"]!.GetValue<string>(), Is.EqualTo("executed"), done.ToJsonString());
        Assert.That(await SandboxStatusAsync(userId), Is.EqualTo("SUSPENDED"));
        var (late, notPending) = await _host.SendAsync(HttpMethod.Post, path, await DecideKeyAsync(_tenant.TenantId, "approver-3"));
        Assert.That(late.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(notPending!["code"]!.GetValue<string>(), Is.EqualTo("approval_not_pending"));

        var read = await _host.OkAsync(HttpMethod.Get, $"/api/v2/approvals/{id}", _tenant.ApiKey);
        var envelope = System.Text.Encoding.UTF8.GetBytes(read["envelope"]!.ToJsonString());
        var answer = JsonNode.Parse(EnvelopeTestOpener.Open(await _tenant.BundleJsonAsync(_host), envelope, read["request_id"]!.GetValue<string>()))!;
        Assert.That(answer["operation"]!.GetValue<string>(), Is.EqualTo("suspend_user"));
        Assert.That(answer["status"]!.GetValue<int>(), Is.EqualTo(200));
        var call = await LastEventAsync("proxy.call");
        Assert.That(call["detail"]!.GetValue<string>(), Does.Contain($"approval={id}"));
        Assert.That(call["operation"]!.GetValue<string>(), Is.EqualTo("suspend_user"));
    }

    [Test]
    public async Task A_rejected_call_is_never_run()
    {
        await UploadAsync("""
            @id("suspend-needs-approval") @approval("1")
            forbid(principal, action == QuantaProxy::Action::"suspend_user", resource);
            @id("all") permit(principal, action, resource);
            """);
        var userId = await SandboxUserAsync(1);
        var approver = await DecideKeyAsync(_tenant.TenantId, "rejecter");
        var before = _okta.Stats.Requests;
        var (response, held) = await _host.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", _tenant.ApiKey,
            new { integration_id = _integration, operation = "suspend_user", payload = new { user_id = userId } });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), held?.ToJsonString());
        var id = held!["approval_id"]!.GetValue<string>();
        var rejected = await _host.OkAsync(HttpMethod.Post, $"/api/v2/approvals/{id}/reject", approver);
        Assert.That(rejected["state"]!.GetValue<string>(), Is.EqualTo("rejected"));
        var (after, problem) = await _host.SendAsync(HttpMethod.Post, $"/api/v2/approvals/{id}/approve", await DecideKeyAsync(_tenant.TenantId, "late"));
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), problem?.ToJsonString());
        Assert.That(_okta.Stats.Requests, Is.EqualTo(before));
        Assert.That(await SandboxStatusAsync(userId), Is.EqualTo("ACTIVE"));
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> HoldSuspensionAsync(string userId)
    {
        var (response, held) = await _host.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", _tenant.ApiKey,
            new { integration_id = _integration, operation = "suspend_user", payload = new { user_id = userId } });
        return (response.StatusCode, held);
    }

    [Test]
    public async Task Two_final_approvals_at_the_same_moment_run_the_call_once()
    {
        await UploadAsync("""@id("suspend-needs-approval") @approval("1") permit(principal, action == QuantaProxy::Action::"suspend_user", resource);""");
        var userId = await SandboxUserAsync(2);
        var (status, held) = await HoldSuspensionAsync(userId);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Accepted), held?.ToJsonString());
        var id = held!["approval_id"]!.GetValue<string>();
        var keys = await Task.WhenAll(DecideKeyAsync(_tenant.TenantId, "racer-1"), DecideKeyAsync(_tenant.TenantId, "racer-2"));
        var before = _okta.Stats.Requests;
        var answers = await Task.WhenAll(keys.Select(k => _host.SendAsync(HttpMethod.Post, $"/api/v2/approvals/{id}/approve", k)));
        Assert.That(answers.Count(a => a.Response.StatusCode == HttpStatusCode.OK), Is.EqualTo(1), string.Join(" | ", answers.Select(a => a.Body?.ToJsonString())));
        Assert.That(answers.Count(a => a.Response.StatusCode == HttpStatusCode.Conflict), Is.EqualTo(1));
        var read = await _host.OkAsync(HttpMethod.Get, $"/api/v2/approvals/{id}", _tenant.ApiKey);
        Assert.That(read["state"]!.GetValue<string>(), Is.EqualTo("executed"));
        Assert.That(read["approvers"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(_okta.Stats.Requests - before, Is.EqualTo(1), "one Okta request: the suspension, once");
    }

    [Test]
    public async Task An_expired_approval_is_refused_and_never_run()
    {
        await UploadAsync("""@id("suspend-needs-approval") @approval("1") permit(principal, action == QuantaProxy::Action::"suspend_user", resource);""");
        var userId = await SandboxUserAsync(3);
        var (_, held) = await HoldSuspensionAsync(userId);
        var id = held!["approval_id"]!.GetValue<string>();
        await RawSql.ExecuteAsync(_host, "UPDATE approvals SET expires_at = '2020-01-01T00:00:00.000Z' WHERE id = @id", ("id", id));
        var before = _okta.Stats.Requests;
        var (response, problem) = await _host.SendAsync(HttpMethod.Post, $"/api/v2/approvals/{id}/approve", await DecideKeyAsync(_tenant.TenantId, "too-late"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict), problem?.ToJsonString());
        Assert.That(problem!["code"]!.GetValue<string>(), Is.EqualTo("approval_expired"));
        Assert.That((await _host.OkAsync(HttpMethod.Get, $"/api/v2/approvals/{id}", _tenant.ApiKey))["state"]!.GetValue<string>(), Is.EqualTo("expired"));
        Assert.That(_okta.Stats.Requests, Is.EqualTo(before));
        Assert.That(await SandboxStatusAsync(userId), Is.EqualTo("ACTIVE"));
    }

    [Test]
    public async Task An_upload_and_a_kill_switch_hold_on_another_replica_within_a_second()
    {
        await using var replica = await GatewayHost.StartOnExistingAsync(_host);
        async Task<(HttpStatusCode, JsonNode?)> OnReplicaAsync()
        {
            var (response, body) = await replica.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", _tenant.ApiKey, new { integration_id = _integration, operation = "list_groups", payload = new { limit = 1 } });
            return (response.StatusCode, body);
        }
        Assert.That((await OnReplicaAsync()).Item1, Is.EqualTo(HttpStatusCode.OK));
        await UploadAsync("""@id("no-groups") forbid(principal, action == QuantaProxy::Action::"list_groups", resource); @id("all") permit(principal, action, resource);""");
        var (status, body) = await UntilRefusedAsync(OnReplicaAsync, "policy_denied");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden), body?.ToJsonString());
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("policy_denied"));

        await UploadAsync("");
        var killed = await _host.OkAsync(HttpMethod.Post, "/api/v2/kill-switches", _tenant.ApiKey, new { target_type = "api_key", target_id = _tenant.ApiKeyId, reason = "key leaked" });
        (status, body) = await UntilRefusedAsync(OnReplicaAsync, "kill_switch");
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden), body?.ToJsonString());
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("kill_switch"));
        await _host.OkAsync(HttpMethod.Delete, $"/api/v2/kill-switches/{killed["kill_switch_id"]}", _tenant.ApiKey);
    }

    /// <summary>
    /// Asks the replica until it refuses with <paramref name="code"/> (each replica re-reads policies and kill switches every
    /// second), and reports how long that took: the figure is printed, not asserted, because this machine's load decides it.
    /// </summary>
    private static async Task<(HttpStatusCode, JsonNode?)> UntilRefusedAsync(Func<Task<(HttpStatusCode, JsonNode?)>> call, string code)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var answer = await call();
            if (answer.Item2?["code"]?.GetValue<string>() == code || started.Elapsed > TimeSpan.FromSeconds(30))
            {
                TestContext.Out.WriteLine($"{code} held on the other replica after {started.Elapsed.TotalMilliseconds:F0} ms");
                return answer;
            }
            await Task.Delay(50);
        }
    }

    [Test]
    public async Task A_call_whose_API_key_was_revoked_while_it_waited_is_not_run()
    {
        await UploadAsync("""@id("suspend-needs-approval") @approval("1") permit(principal, action == QuantaProxy::Action::"suspend_user", resource);""");
        var requester = await _host.OkAsync(HttpMethod.Post, "/api/v2/api-keys", _host.AdminKey, new { tenant_id = _tenant.TenantId, name = "leaver", scopes = new[] { "proxy:invoke" } });
        var userId = await SandboxUserAsync(4);
        var (response, held) = await _host.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", requester["api_key"]!.GetValue<string>(),
            new { integration_id = _integration, operation = "suspend_user", payload = new { user_id = userId } });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), held?.ToJsonString());
        await _host.OkAsync(HttpMethod.Delete, $"/api/v2/api-keys/{requester["api_key_id"]}", _host.AdminKey);
        var before = _okta.Stats.Requests;
        var decided = await _host.OkAsync(HttpMethod.Post, $"/api/v2/approvals/{held!["approval_id"]}/approve", await DecideKeyAsync(_tenant.TenantId, "approver-of-leaver"));
        Assert.That(decided["state"]!.GetValue<string>(), Is.EqualTo("failed"));
        Assert.That(decided["outcome"]!.GetValue<string>(), Is.EqualTo("caller_revoked"));
        Assert.That(_okta.Stats.Requests, Is.EqualTo(before));
    }
}
