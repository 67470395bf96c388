using System.Net;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Audit;

/// <summary>
/// No change without its event, whichever audit write fails; caller-controlled text is escaped before it is signed into
/// the chain; a header cannot name the person a call was made for.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class AuditCompletenessTests(StoreKind store)
{
    private GatewayHost _host = null!;
    private TenantSession _tenant = null!;
    private string _credential = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await GatewayHost.StartAsync(store);
        _tenant = await TenantSession.CreateAsync(_host, "completeness");
        _credential = (await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", _tenant.ApiKey,
            new { credential_type = "api_key", name = "okta", secret = new { token = "00completeness" } }))["credential_id"]!.GetValue<string>();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    private async Task RefuseAsync(string condition)
    {
        var sql = _host.Postgres is null
            ? $"CREATE TRIGGER qp_test_refuse BEFORE INSERT ON audit_events WHEN {condition.Replace("$", "NEW.", StringComparison.Ordinal)} BEGIN SELECT RAISE(ABORT, 'refused by test'); END"
            : $"CREATE FUNCTION qp_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF {condition.Replace("$", "NEW.", StringComparison.Ordinal)} THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW; END $$; " +
              "CREATE TRIGGER qp_test_refuse BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION qp_test_refuse()";
        await RawSql.ExecuteAsync(_host, sql);
    }

    private Task AllowAsync() =>
        RawSql.ExecuteAsync(_host, _host.Postgres is null ? "DROP TRIGGER qp_test_refuse" : "DROP TRIGGER qp_test_refuse ON audit_events; DROP FUNCTION qp_test_refuse()");

    private object Integration(string name) => new
    {
        system_type = "okta", name, okta_domain = "http://127.0.0.1:9", credential_id = _credential,
        scopes = new[] { "okta.users.read" }, allowed_operations = new[] { "list_users" },
    };

    private async Task<IReadOnlyList<string>> IntegrationNamesAsync() =>
        (await _host.OkAsync(HttpMethod.Get, "/api/v2/integrations", _tenant.ApiKey))["integrations"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()).ToList();

    [Test]
    public async Task When_the_intent_cannot_be_stored_nothing_changes()
    {
        await RefuseAsync("$type = 'integration.create' AND $outcome = 'intent'");
        try
        {
            var (response, body) = await _host.SendAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, Integration("never"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body?.ToJsonString());
        }
        finally
        {
            await AllowAsync();
        }
        Assert.That(await IntegrationNamesAsync(), Does.Not.Contain("never"));
    }

    [Test]
    public async Task When_the_outcome_cannot_be_stored_the_change_still_has_its_intent_event()
    {
        await RefuseAsync("$type = 'integration.create' AND $outcome = 'created'");
        try
        {
            var (response, body) = await _host.SendAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, Integration("half"));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), body?.ToJsonString());
        }
        finally
        {
            await AllowAsync();
        }
        var integrations = (await _host.OkAsync(HttpMethod.Get, "/api/v2/integrations", _tenant.ApiKey))["integrations"]!.AsArray();
        var half = integrations.Single(i => i!["name"]!.GetValue<string>() == "half")!["integration_id"]!.GetValue<string>();
        var events = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?type=integration.create&limit=1000", _tenant.ApiKey);
        Assert.That(events["events"]!.AsArray().Any(e => e!["integration_id"]!.GetValue<string>() == half && e["outcome"]!.GetValue<string>() == "intent"), Is.True,
            "the integration exists, and so does the event that announced it");
    }

    [Test]
    public async Task Every_admin_mutation_writes_its_intent_before_its_outcome()
    {
        var created = await _host.OkAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, Integration("ordered"));
        var id = created["integration_id"]!.GetValue<string>();
        await _host.OkAsync(HttpMethod.Delete, $"/api/v2/integrations/{id}", _tenant.ApiKey);
        var events = (await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?limit=1000", _tenant.ApiKey))["events"]!.AsArray()
            .Where(e => e!["integration_id"]!.GetValue<string>() == id).Select(e => $"{e!["type"]!.GetValue<string>()}:{e["outcome"]!.GetValue<string>()}").ToList();
        Assert.That(events, Is.EqualTo(new[] { "integration.create:intent", "integration.create:created", "integration.delete:intent", "integration.delete:deleted" }));
    }

    [Test]
    public async Task Control_and_bidirectional_characters_in_a_path_are_escaped_in_the_chain()
    {
        var (response, _) = await _host.SendAsync(HttpMethod.Get, "/api/v2/integrations/int_%0D%0Aforged%E2%80%AEtxt.exe", _tenant.ApiKey);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        var events = (await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?type=request.rejected&limit=1000", _tenant.ApiKey))["events"]!.AsArray();
        var detail = events.Select(e => e!["detail"]!.GetValue<string>()).Single(d => d.Contains("forged", StringComparison.Ordinal));
        Assert.That(detail, Does.Not.Contain("\r").And.Not.Contain("\n").And.Not.Contain("\u202e"));
        Assert.That(detail, Does.Contain(@"\u000d\u000aforged\u202etxt.exe"));
    }

    [Test]
    public async Task A_header_cannot_name_the_person_a_call_was_made_for()
    {
        using var request = GatewayHost.Request(HttpMethod.Get, "/api/v2/integrations", _tenant.ApiKey);
        request.Headers.Add("X-On-Behalf-Of", "ceo@example.com");
        using var response = await _host.Client.SendAsync(request);
        var eventId = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!["audit_event_id"]!.GetValue<string>();
        var events = (await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?type=integration.read&limit=1000", _tenant.ApiKey))["events"]!.AsArray();
        Assert.That(events.Single(e => e!["event_id"]!.GetValue<string>() == eventId)!["on_behalf_of"]!.GetValue<string>(), Is.Empty);
    }
}
