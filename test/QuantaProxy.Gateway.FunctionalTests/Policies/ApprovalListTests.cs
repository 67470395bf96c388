using System.Net;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Policies;

/// <summary>
/// What approvers read: the tenant's approvals listed (newest first, by state, in pages, never another tenant's, never
/// with arguments) and one approval with the policy reasons and the arguments the policies saw, opened only in that answer.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
[NonParallelizable]
public sealed class ApprovalListTests(StoreKind store)
{
    private const string Token = "00approval-list-token";
    private const string Policies = """
        @id("reads") permit(principal, action in QuantaProxy::Action::"read", resource);
        @id("suspend-needs-approval") @approval("1") @reason("Suspensions need a second person")
        permit(principal, action == QuantaProxy::Action::"suspend_user", resource);
        """;

    private OktaSandboxServer _okta = null!;
    private GatewayHost _host = null!;
    private TenantSession _tenant = null!;
    private string _integration = null!;
    private string _approver = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (store == StoreKind.Postgres) _ = TestEnvironment.PostgresConnectionString;
        _okta = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 10 });
        _host = await GatewayHost.StartAsync(store);
        _tenant = await TenantSession.CreateAsync(_host, "approvals");
        _integration = await IntegrationAsync(_tenant);
        await _host.OkAsync(HttpMethod.Put, "/api/v2/policies", _tenant.ApiKey, new { policies = Policies });
        _approver = await KeyAsync(_tenant.TenantId, "approver", "approvals:decide");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (_okta is not null) await _okta.DisposeAsync();
    }

    private async Task<string> IntegrationAsync(TenantSession tenant)
    {
        var credential = await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = "api_key", name = "okta", secret = new { token = Token } });
        var integration = await _host.OkAsync(HttpMethod.Post, "/api/v2/integrations", tenant.ApiKey, new
        {
            system_type = "okta", name = "sandbox", okta_domain = _okta.BaseAddress.ToString().TrimEnd('/'), credential_id = credential["credential_id"]!.GetValue<string>(),
            allowed_operations = OktaOperationCatalog.Default.All.Select(o => o.Name).ToArray(),
        });
        return integration["integration_id"]!.GetValue<string>();
    }

    private async Task<string> KeyAsync(string tenantId, string name, params string[] scopes) =>
        (await _host.OkAsync(HttpMethod.Post, "/api/v2/api-keys", _host.AdminKey, new { tenant_id = tenantId, name, scopes }))["api_key"]!.GetValue<string>();

    private async Task<string> HoldAsync(TenantSession tenant, string integration, string userId)
    {
        var (response, held) = await _host.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", tenant.ApiKey,
            new { integration_id = integration, operation = "suspend_user", payload = new { user_id = userId } });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), held?.ToJsonString());
        return held!["approval_id"]!.GetValue<string>();
    }

    private static string UserId(int n) => $"00u{n:D17}";

    private static List<string> Ids(JsonNode page) => page["approvals"]!.AsArray().Select(a => a!["approval_id"]!.GetValue<string>()).ToList();

    [Test]
    public async Task The_list_holds_this_tenants_approvals_newest_first_by_state_in_pages_without_arguments()
    {
        var other = await TenantSession.CreateAsync(_host, "elsewhere");
        await _host.OkAsync(HttpMethod.Put, "/api/v2/policies", other.ApiKey, new { policies = Policies });
        var foreign = await HoldAsync(other, await IntegrationAsync(other), UserId(9));

        var held = new List<string>();
        for (var i = 1; i <= 3; i++) held.Add(await HoldAsync(_tenant, _integration, UserId(i)));
        var rejected = await HoldAsync(_tenant, _integration, UserId(4));
        await _host.OkAsync(HttpMethod.Post, $"/api/v2/approvals/{rejected}/reject", _approver);

        var all = await _host.OkAsync(HttpMethod.Get, "/api/v2/approvals?limit=100", _approver);
        var ids = Ids(all);
        Assert.That(ids, Does.Not.Contain(foreign), "never another tenant's");
        Assert.That(ids.Take(4), Is.EqualTo(new[] { rejected, held[2], held[1], held[0] }), "newest first");
        Assert.That(all["next_after"], Is.Null);
        var text = all.ToJsonString();
        for (var i = 1; i <= 4; i++) Assert.That(text, Does.Not.Contain(UserId(i)), "a list never carries arguments");
        Assert.That(text, Does.Not.Contain("\"arguments\"").And.Not.Contain("\"envelope\""));
        var first = all["approvals"]!.AsArray().First(a => a!["approval_id"]!.GetValue<string>() == held[0])!;
        Assert.That(first["integration_id"]!.GetValue<string>(), Is.EqualTo(_integration));
        Assert.That(first["operation"]!.GetValue<string>(), Is.EqualTo("suspend_user"));
        Assert.That(first["reasons"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "Suspensions need a second person" }));

        var pending = Ids(await _host.OkAsync(HttpMethod.Get, "/api/v2/approvals?state=pending&limit=100", _approver));
        Assert.That(pending, Does.Contain(held[0]).And.Not.Contain(rejected));
        var onlyRejected = Ids(await _host.OkAsync(HttpMethod.Get, "/api/v2/approvals?state=rejected", _approver));
        Assert.That(onlyRejected, Does.Contain(rejected).And.Not.Contain(held[0]));

        var paged = new List<string>();
        string? after = null;
        do
        {
            var page = await _host.OkAsync(HttpMethod.Get, "/api/v2/approvals?state=pending&limit=2" + (after is null ? "" : $"&after={after}"), _approver);
            Assert.That(page["approvals"]!.AsArray(), Has.Count.LessThanOrEqualTo(2));
            paged.AddRange(Ids(page));
            after = page["next_after"]?.GetValue<string>();
        } while (after is not null);
        Assert.That(paged, Is.EqualTo(pending), "the pages together are the list, each approval once");

        var read = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?type=approval.read", _tenant.ApiKey);
        Assert.That(read["events"]!.AsArray().Select(e => e!["detail"]!.GetValue<string>()), Does.Contain("list;state=pending;count=2"));
    }

    [TestCase("state=waiting")]
    [TestCase("state=pending&state=rejected")]
    [TestCase("limit=0")]
    [TestCase("limit=101")]
    [TestCase("limit=ten")]
    [TestCase("after=apr_nope")]
    public async Task A_bad_query_is_refused(string query)
    {
        var (response, problem) = await _host.SendAsync(HttpMethod.Get, $"/api/v2/approvals?{query}", _approver);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem?.ToJsonString());
    }

    [Test]
    public async Task A_caller_without_approvals_decide_is_refused_the_list()
    {
        var invoker = await KeyAsync(_tenant.TenantId, "invoker", "proxy:invoke", "audit:read");
        var (response, _) = await _host.SendAsync(HttpMethod.Get, "/api/v2/approvals", invoker);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task An_approver_reads_the_arguments_the_held_call_carried_and_only_in_that_answer()
    {
        var userId = UserId(7);
        var id = await HoldAsync(_tenant, _integration, userId);
        var one = await _host.OkAsync(HttpMethod.Get, $"/api/v2/approvals/{id}", _approver);
        Assert.That(one["arguments"]!["user_id"]!.GetValue<string>(), Is.EqualTo(userId));
        Assert.That(one["policy_ids"]!.AsArray().Select(p => p!.GetValue<string>()), Is.EqualTo(new[] { "suspend-needs-approval" }));
        Assert.That(one["reasons"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "Suspensions need a second person" }));
        Assert.That(one["requested_by"]!.GetValue<string>(), Is.EqualTo(_tenant.ApiKeyId));

        var events = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?limit=1000", _tenant.ApiKey);
        Assert.That(events.ToJsonString(), Does.Not.Contain(userId), "the arguments are never audited");
        Assert.That(events["events"]!.AsArray().Select(e => e!["detail"]!.GetValue<string>()), Does.Contain($"approval={id}"));
        Assert.That(_host.Logs.AllText, Does.Not.Contain(userId), "nor logged");
        var list = await _host.OkAsync(HttpMethod.Get, "/api/v2/approvals?limit=100", _approver);
        Assert.That(list.ToJsonString(), Does.Not.Contain(userId));
    }

    [Test]
    public async Task An_approval_held_before_its_details_were_kept_shows_no_reasons_and_still_its_arguments()
    {
        var userId = UserId(8);
        var id = await HoldAsync(_tenant, _integration, userId);
        await RawSql.ExecuteAsync(_host, "UPDATE approvals SET reasons = NULL, agent_id = NULL WHERE id = @id", ("id", id));
        var one = await _host.OkAsync(HttpMethod.Get, $"/api/v2/approvals/{id}", _approver);
        Assert.That(one["reasons"]!.AsArray(), Is.Empty);
        Assert.That(one["agent_id"], Is.Null);
        Assert.That(one["policy_ids"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(one["arguments"]!["user_id"]!.GetValue<string>(), Is.EqualTo(userId));
        var listed = (await _host.OkAsync(HttpMethod.Get, "/api/v2/approvals?state=pending&limit=100", _approver))["approvals"]!.AsArray()
            .Single(a => a!["approval_id"]!.GetValue<string>() == id)!;
        Assert.That(listed["reasons"]!.AsArray(), Is.Empty);
    }
}
