using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.FunctionalTests.Agents;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Audit;

/// <summary>
/// <c>GET /api/v2/audit/events</c> filtered by integration, operation, actor (API key or agent), person, outcome, type and
/// time, alone and combined, paged both ways: each answer is exactly the events of the unfiltered chain that match, and
/// never another tenant's.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class AuditEventFilterEndpointTests(StoreKind store)
{
    private AgentWorld _world = null!;
    private GatewayHost Gateway => _world.Gateway;
    private TenantSession Tenant => _world.Tenant;
    private string _second = null!;
    private string _agentActor = null!;
    private TenantSession _other = null!;
    private string _otherIntegration = null!;
    private string _boundary = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _world = await AgentWorld.StartAsync(store);
        _second = await IntegrationAsync(Tenant, "second");
        _agentActor = $"agent:{_world.Agbac.Issuer}|{AgentWorld.AgentId}";
        await _world.DelegateAsync(_world.AgentRecordId, _world.AliceLogin, ["list_users"]);
        _other = await TenantSession.CreateAsync(Gateway, "other");
        _otherIntegration = await IntegrationAsync(_other, "other");

        // Before the boundary: the API key on both integrations, the agent for Alice (allowed) and for Bob (refused).
        await CallAsync(Tenant, _world.IntegrationId, "list_users");
        await CallAsync(Tenant, _world.IntegrationId, "list_users");
        await CallAsync(Tenant, _second, "list_users");
        await CallAsync(_other, _otherIntegration, "list_users");
        var (status, body) = await _world.CallAsync(await _world.AgbacTokenAsync(_world.AliceId));
        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        (status, body) = await _world.CallAsync(await _world.AgbacTokenAsync(_world.BobId));
        Assert.That(status, Is.EqualTo(403), body?.ToJsonString());

        // The gateway's clock is the test's: an hour later, without waiting for it.
        _world.Clock.Advance(TimeSpan.FromHours(1));
        _boundary = _world.Clock.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        await CallAsync(Tenant, _second, "list_users");
        await CallAsync(Tenant, _world.IntegrationId, "get_user", new { user_id = _world.AliceId });
        await CallAsync(_other, _otherIntegration, "list_users");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_world is not null) await _world.DisposeAsync();
    }

    private async Task<string> IntegrationAsync(TenantSession tenant, string name)
    {
        var credential = (await Gateway.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey,
            new { credential_type = "api_key", name = name + "-okta", secret = new { token = AgentWorld.Ssws } }))["credential_id"]!.GetValue<string>();
        return (await Gateway.OkAsync(HttpMethod.Post, "/api/v2/integrations", tenant.ApiKey, new
        {
            system_type = "okta", name, okta_domain = _world.Sandbox.BaseAddress.ToString().TrimEnd('/'), credential_id = credential,
            scopes = new[] { "okta.users.read" }, allowed_operations = new[] { "list_users", "get_user" },
        }))["integration_id"]!.GetValue<string>();
    }

    private async Task CallAsync(TenantSession tenant, string integrationId, string operation, object? payload = null)
    {
        var (response, body) = await Gateway.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", tenant.ApiKey,
            new { integration_id = integrationId, operation, payload = payload ?? new { limit = 1 } });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
    }

    private async Task<JsonNode> PageAsync(string query, TenantSession? tenant = null) =>
        await Gateway.OkAsync(HttpMethod.Get, "/api/v2/audit/events?" + query, (tenant ?? Tenant).ApiKey);

    /// <summary>The whole chain as it stands (one page is enough here), and the seq after its last event.</summary>
    private async Task<(List<JsonNode> Events, long End)> ChainAsync()
    {
        var events = (await PageAsync("limit=1000"))["events"]!.AsArray().Select(e => e!).ToList();
        Assert.That(events, Has.Count.LessThan(1000));
        return (events, events[^1]["seq"]!.GetValue<long>() + 1);
    }

    private static string S(JsonNode e, string field) => e[field]!.GetValue<string>();

    private static List<long> Seqs(IEnumerable<JsonNode> events) => events.Select(e => e["seq"]!.GetValue<long>()).ToList();

    /// <summary>
    /// The filtered answer, bounded to the chain as read (every listing is itself an event), against the chain filtered here.
    /// </summary>
    private async Task<List<JsonNode>> AssertFilterAsync(string query, Func<JsonNode, bool> matches, int expectedAtLeast)
    {
        var (chain, end) = await ChainAsync();
        var page = await PageAsync($"{query}&before={end}&limit=1000");
        var events = page["events"]!.AsArray().Select(e => e!).ToList();
        var expected = chain.Where(matches).ToList();
        Assert.That(Seqs(events), Is.EqualTo(Seqs(expected)), query);
        Assert.That(events, Has.Count.GreaterThanOrEqualTo(expectedAtLeast), query);
        Assert.That(events.Select(e => S(e, "tenant_id")), Is.All.EqualTo(Tenant.TenantId), query);
        Assert.That(page["next_after"], Is.Null);
        return events;
    }

    [Test]
    public async Task A_search_is_recorded_with_its_filters_and_an_unfiltered_listing_as_before()
    {
        var search = await PageAsync($"on_behalf_of={Uri.EscapeDataString("alice;actor=x")}&operation=list_users");
        var unfiltered = await PageAsync("limit=1");
        var (chain, _) = await ChainAsync();
        string DetailOf(JsonNode page) => S(chain.Single(e => S(e, "event_id") == page["audit_event_id"]!.GetValue<string>()), "detail");
        // A value holding the separators cannot pass for another field: it is percent-encoded.
        Assert.That(DetailOf(search), Is.EqualTo("events;operation=list_users;on_behalf_of=alice%3Bactor%3Dx"));
        Assert.That(DetailOf(unfiltered), Is.EqualTo("events"));
    }

    [Test]
    public async Task Integration_alone()
    {
        var events = await AssertFilterAsync($"integration_id={_second}", e => S(e, "integration_id") == _second, 3);
        Assert.That(events.Count(e => S(e, "type") == "proxy.call"), Is.EqualTo(2));
    }

    [Test]
    public async Task Operation_alone()
    {
        var events = await AssertFilterAsync("operation=get_user", e => S(e, "operation") == "get_user", 1);
        Assert.That(events.Select(e => S(e, "integration_id")), Is.All.EqualTo(_world.IntegrationId));
    }

    [Test]
    public async Task Actor_alone_for_an_api_key_and_for_an_agent()
    {
        await AssertFilterAsync($"actor={Uri.EscapeDataString(Tenant.ApiKeyId)}", e => S(e, "actor") == Tenant.ApiKeyId, 6);
        var agent = await AssertFilterAsync($"actor={Uri.EscapeDataString(_agentActor)}", e => S(e, "actor") == _agentActor, 2);
        Assert.That(agent.Select(e => S(e, "type")), Is.EquivalentTo(new[] { "proxy.call", "proxy.denied" }));
    }

    [Test]
    public async Task Person_alone()
    {
        var alice = await AssertFilterAsync($"on_behalf_of={_world.AliceId}", e => S(e, "on_behalf_of") == _world.AliceId, 1);
        Assert.That(alice.Select(e => S(e, "actor")), Is.All.EqualTo(_agentActor));
        var bob = await AssertFilterAsync($"on_behalf_of={_world.BobId}", e => S(e, "on_behalf_of") == _world.BobId, 1);
        Assert.That(bob.Select(e => S(e, "outcome")), Is.All.EqualTo("no_delegation"));
    }

    [Test]
    public async Task Outcome_and_type_alone()
    {
        await AssertFilterAsync("outcome=no_delegation", e => S(e, "outcome") == "no_delegation", 1);
        await AssertFilterAsync("type=proxy.call", e => S(e, "type") == "proxy.call", 6);
    }

    [Test]
    public async Task Time_alone_splits_the_chain_at_the_boundary()
    {
        var boundary = DateTimeOffset.Parse(_boundary, CultureInfo.InvariantCulture);
        bool Late(JsonNode e) => DateTimeOffset.Parse(S(e, "occurred_at"), CultureInfo.InvariantCulture) >= boundary;
        var late = await AssertFilterAsync($"from={Uri.EscapeDataString(_boundary)}&type=proxy.call", e => Late(e) && S(e, "type") == "proxy.call", 2);
        Assert.That(late.Select(e => S(e, "operation")), Is.EquivalentTo(new[] { "list_users", "get_user" }));
        var early = await AssertFilterAsync($"to={Uri.EscapeDataString(_boundary)}&type=proxy.call", e => !Late(e) && S(e, "type") == "proxy.call", 4);
        Assert.That(early.Select(e => S(e, "operation")), Is.All.EqualTo("list_users"));
    }

    [Test]
    public async Task Filters_combine()
    {
        var events = await AssertFilterAsync(
            $"integration_id={_world.IntegrationId}&operation=list_users&outcome=success&actor={Uri.EscapeDataString(Tenant.ApiKeyId)}&to={Uri.EscapeDataString(_boundary)}",
            e => S(e, "integration_id") == _world.IntegrationId && S(e, "operation") == "list_users" && S(e, "outcome") == "success"
                 && S(e, "actor") == Tenant.ApiKeyId && string.CompareOrdinal(S(e, "occurred_at"), _boundary[..23]) < 0, 2);
        Assert.That(events, Has.Count.EqualTo(2));
        await AssertFilterAsync($"actor={Uri.EscapeDataString(_agentActor)}&on_behalf_of={_world.AliceId}&outcome=success",
            e => S(e, "actor") == _agentActor && S(e, "on_behalf_of") == _world.AliceId && S(e, "outcome") == "success", 1);
        var none = await PageAsync($"integration_id={_second}&operation=get_user");
        Assert.That(none["events"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task Paging_with_a_filter_oldest_first_and_newest_first_returns_each_match_once()
    {
        var (chain, end) = await ChainAsync();
        var expected = Seqs(chain.Where(e => S(e, "type") == "proxy.call"));
        Assert.That(expected, Has.Count.GreaterThanOrEqualTo(6));

        var forward = new List<long>();
        long? after = 0;
        while (after is { } a)
        {
            var page = await PageAsync($"type=proxy.call&limit=2&after={a}&before={end}");
            var seqs = Seqs(page["events"]!.AsArray().Select(e => e!));
            Assert.That(seqs, Has.Count.LessThanOrEqualTo(2));
            forward.AddRange(seqs);
            after = page["next_after"]?.GetValue<long>();
            Assert.That(page["next_before"], Is.Null);
            if (after is not null) Assert.That(after, Is.EqualTo(seqs[^1]));
        }
        Assert.That(forward, Is.EqualTo(expected));

        var backward = new List<long>();
        long? before = end;
        while (before is { } b)
        {
            var page = await PageAsync($"type=proxy.call&limit=2&order=desc&before={b}");
            var seqs = Seqs(page["events"]!.AsArray().Select(e => e!));
            backward.AddRange(seqs);
            before = page["next_before"]?.GetValue<long>();
            Assert.That(page["next_after"], Is.Null);
        }
        Assert.That(backward, Is.EqualTo(expected.AsEnumerable().Reverse().ToList()));

        var newest = await PageAsync("type=proxy.call&order=desc&limit=1");
        Assert.That(Seqs(newest["events"]!.AsArray().Select(e => e!)), Is.EqualTo(new[] { expected[^1] }), "without before, newest first starts at the head");
    }

    [Test]
    public async Task Another_tenants_events_never_appear()
    {
        Assert.That((await PageAsync($"integration_id={_otherIntegration}&limit=1000"))["events"]!.AsArray(), Is.Empty);
        Assert.That((await PageAsync($"actor={Uri.EscapeDataString(_other.ApiKeyId)}&limit=1000"))["events"]!.AsArray(), Is.Empty);
        var mine = (await PageAsync("operation=list_users&limit=1000"))["events"]!.AsArray();
        Assert.That(mine.Select(e => S(e!, "tenant_id")), Is.All.EqualTo(Tenant.TenantId));
        var theirs = (await PageAsync("operation=list_users&order=desc&limit=1000", _other))["events"]!.AsArray();
        Assert.That(theirs.Select(e => S(e!, "integration_id")), Is.All.EqualTo(_otherIntegration));
        Assert.That(theirs, Has.Count.EqualTo(2));
    }

    [TestCase("integration_id=int_nope", "integration_id")]
    [TestCase("operation=list_users%25", "operation")]
    [TestCase("actor=key%201", "actor")]
    [TestCase("on_behalf_of=alice%0Aforged", "on_behalf_of")]
    [TestCase("outcome=", "outcome")]
    [TestCase("from=2026-01-31T09:30:00", "from")]
    [TestCase("to=tomorrow", "to")]
    [TestCase("order=newest", "order")]
    [TestCase("before=0", "before")]
    public async Task A_bad_value_is_a_400_naming_the_parameter(string query, string field)
    {
        var (response, body) = await Gateway.SendAsync(HttpMethod.Get, "/api/v2/audit/events?" + query, Tenant.ApiKey);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body?.ToJsonString());
        Assert.That(body!["field"]!.GetValue<string>(), Is.EqualTo(field));
    }
}
