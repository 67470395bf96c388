using System.Net;
using System.Text;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Proxy;

/// <summary>
/// The answer is signed while its audit event is written: the event must still name exactly the answer returned, and an
/// event that cannot be stored must still stop the answer (fail closed).
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class AnswerAuditBindingTests(StoreKind store)
{
    private const string Token = "00binding-sandbox-token";
    private OktaSandboxServer _okta = null!;
    private GatewayHost _host = null!;
    private TenantSession _tenant = null!;
    private string _integration = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _okta = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 5 });
        _host = await GatewayHost.StartAsync(store);
        _tenant = await TenantSession.CreateAsync(_host, "binding");
        var credential = (await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", _tenant.ApiKey,
            new { credential_type = "api_key", name = "okta", secret = new { token = Token } }))["credential_id"]!.GetValue<string>();
        _integration = (await _host.OkAsync(HttpMethod.Post, "/api/v2/integrations", _tenant.ApiKey, new
        {
            system_type = "okta", name = "sandbox", okta_domain = _okta.BaseAddress.ToString().TrimEnd('/'), credential_id = credential,
            scopes = new[] { "okta.users.read" }, allowed_operations = new[] { "list_users" },
        }))["integration_id"]!.GetValue<string>();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (_okta is not null) await _okta.DisposeAsync();
    }

    private async Task<(HttpResponseMessage Response, byte[] Body)> CallAsync()
    {
        using var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/proxy/outbound", _tenant.ApiKey, new { integration_id = _integration, operation = "list_users", payload = new { limit = 2 } });
        var response = await _host.Client.SendAsync(request);
        return (response, await response.Content.ReadAsByteArrayAsync());
    }

    [Test]
    public async Task Each_answers_audit_event_names_the_digest_of_exactly_that_answer()
    {
        var bundle = TenantKeyBundle.Parse(Encoding.UTF8.GetBytes(await _tenant.BundleJsonAsync(_host)));
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => CallAsync()));
        foreach (var (response, body) in answers)
        {
            using (response)
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), Encoding.UTF8.GetString(body));
                var opened = new EnvelopeOpener(bundle).Open(body);
                var audit = await _host.OkAsync(HttpMethod.Get, $"/api/v2/audit/events?type=proxy.call&limit=200", _tenant.ApiKey);
                var audited = audit["events"]!.AsArray().Single(e => e!["event_id"]!.GetValue<string>() == opened.AuditEventId)!;
                Assert.That(audited["response_digest"]!.GetValue<string>(), Is.EqualTo(opened.SignedMessageDigestHex));
                Assert.That(audited["outcome"]!.GetValue<string>(), Is.EqualTo("success"));
            }
        }
    }

    [Test]
    public async Task An_audit_event_that_cannot_be_stored_stops_the_answer()
    {
        var trigger = _host.Postgres is null
            ? "CREATE TRIGGER qp_test_refuse BEFORE INSERT ON audit_events WHEN NEW.type = 'proxy.call' BEGIN SELECT RAISE(ABORT, 'refused by test'); END"
            : "CREATE FUNCTION qp_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.type = 'proxy.call' THEN RAISE EXCEPTION 'refused by test'; END IF; RETURN NEW; END $$; " +
              "CREATE TRIGGER qp_test_refuse BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION qp_test_refuse()";
        await RawSql.ExecuteAsync(_host, trigger);
        try
        {
            var oktaRequests = _okta.Stats.Requests;
            var (response, body) = await CallAsync();
            using (response)
            {
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable), Encoding.UTF8.GetString(body));
                Assert.That(Encoding.UTF8.GetString(body), Does.Contain("audit_unavailable"));
                Assert.That(Encoding.UTF8.GetString(body), Does.Not.Contain("ciphertext"), "no envelope leaves without its event");
            }
            Assert.That(_okta.Stats.Requests, Is.EqualTo(oktaRequests + 1), "the call itself was made; only its answer is withheld");
        }
        finally
        {
            await RawSql.ExecuteAsync(_host, _host.Postgres is null ? "DROP TRIGGER qp_test_refuse" : "DROP TRIGGER qp_test_refuse ON audit_events; DROP FUNCTION qp_test_refuse()");
        }
        var (after, afterBody) = await CallAsync();
        using (after) Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.OK), Encoding.UTF8.GetString(afterBody));
    }
}
