using System.Net;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Audit;

/// <summary>Every request that reached a handler leaves an event: also one that failed unexpectedly, or whose client left.</summary>
public sealed class UnansweredRequestTests
{
    private const string Token = "00unanswered-token";

    [Test]
    public async Task An_unexpected_failure_is_answered_500_and_recorded()
    {
        await using var host = await GatewayHost.StartAsync();
        var tenant = await TenantSession.CreateAsync(host, "unexpected");
        // The integrations table vanishing is nothing the handler expects; the audit chain lives elsewhere and still works.
        await RawSql.ExecuteAsync(host, "DROP TABLE integrations");
        var (response, body) = await host.SendAsync(HttpMethod.Get, "/api/v2/integrations", tenant.ApiKey);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        var eventId = body!["audit_event_id"]?.GetValue<string>();
        var events = (await host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?type=request.rejected", tenant.ApiKey))["events"]!.AsArray();
        Assert.That(events.Any(e => e!["outcome"]!.GetValue<string>() == "internal_error" && e["detail"]!.GetValue<string>().Contains("status=500", StringComparison.Ordinal)), Is.True,
            $"no event for the failed request {eventId}");
    }

    [Test]
    public async Task A_read_whose_client_left_while_Okta_answered_is_recorded()
    {
        await using var okta = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 3 });
        await using var host = await GatewayHost.StartAsync();
        var tenant = await TenantSession.CreateAsync(host, "disconnect");
        var (_, integration) = await tenant.ListUsersIntegrationAsync(host, okta.BaseAddress, Token);
        okta.Faults.Latency = TimeSpan.FromSeconds(2);
        using (var leaving = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
        {
            using var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/proxy/outbound", tenant.ApiKey, new { integration_id = integration, operation = "list_users", payload = new { limit = 2 } });
            Assert.CatchAsync<OperationCanceledException>(async () => await host.Client.SendAsync(request, leaving.Token));
        }
        okta.Faults.Latency = TimeSpan.Zero;
        // The gateway notices the disconnect when Okta answers; wait for its event, boundedly.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var events = (await host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?type=request.rejected", tenant.ApiKey))["events"]!.AsArray();
            if (events.Any(e => e!["outcome"]!.GetValue<string>() == "client_disconnected")) return;
            await Task.Delay(100);
        }
        Assert.Fail("the request whose client left left no event");
    }
}
