using System.Net;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Proxy;

/// <summary>
/// A proxied call's trace names each stage of it once, under the call's span: an operator reading a slow call's trace
/// (and the load benchmark's latency budget, which sums these spans) can tell the Okta call, the encryption, the
/// signature and the wait for the audit event apart. Real gateway and sandbox over loopback HTTP.
/// </summary>
[TestFixture]
public sealed class ProxyTraceTests
{
    private const string Token = "00trace-sandbox-token";
    private OktaSandboxServer _okta = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _okta = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 3 });

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Nothing to stop when the fixture was inconclusive (no server) before it started anything.
        if (_okta is not null) await _okta.DisposeAsync();
    }

    [Test]
    public async Task One_call_has_one_span_per_stage_in_its_trace()
    {
        await using var host = await GatewayHost.StartAsync();
        var tenant = await TenantSession.CreateAsync(host, "trace");
        var (_, integration) = await tenant.ListUsersIntegrationAsync(host, _okta.BaseAddress, Token);
        using var capture = new TelemetryCapture();

        using var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/proxy/outbound", tenant.ApiKey, new { integration_id = integration, operation = "list_users", payload = new { limit = 2 } });
        using var response = await host.Client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The call's span ends before its answer is written, and every stage's before the call's.
        var call = capture.Activities.Single(a => a.OperationName == "proxy.call" && (string?)a.GetTagItem("qp.integration_id") == integration);
        var trace = capture.Activities.Where(a => a.TraceId == call.TraceId && a.Source.Name == "QuantaProxy").ToList();
        var byName = trace.GroupBy(a => a.OperationName).ToDictionary(g => g.Key, g => g.ToList());
        var seal = byName["envelope.seal"].Single();
        Assert.Multiple(() =>
        {
            foreach (var stage in new[] { "okta.request", "envelope.seal", "envelope.encrypt", "envelope.sign", "audit.record" })
                Assert.That(byName.GetValueOrDefault(stage), Has.Count.EqualTo(1), stage);
            Assert.That(seal.ParentSpanId, Is.EqualTo(call.SpanId), "the seal is part of the call");
            foreach (var stage in new[] { "envelope.encrypt", "envelope.sign", "audit.record" })
                Assert.That(byName[stage].Single().ParentSpanId, Is.EqualTo(seal.SpanId), $"{stage} is part of the seal");
            Assert.That(trace.Where(a => a != call), Has.All.Matches<System.Diagnostics.Activity>(a => a.Duration <= call.Duration), "no stage outlasts the call");
        });
    }
}
