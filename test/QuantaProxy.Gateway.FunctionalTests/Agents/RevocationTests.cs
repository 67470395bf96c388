using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using QuantaProxy.Gateway.Hooks;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Agents;

/// <summary>
/// Okta tells the gateway to stop acting for a person: a verified event hook from the sandbox, its deliveries (duplicated,
/// reordered, lost and backfilled from the System Log), and an explicit restore that asks Okta first.
/// </summary>
public sealed class RevocationTests
{
    private AgentWorld _world = null!;
    private string _secret = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _world = await AgentWorld.StartAsync(settings: new Dictionary<string, string?> { ["QuantaProxy:Agents:BackfillInterval"] = "00:00:00" });
        _secret = await ConfigureHookAsync(_world, _world.Gateway);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Nothing to stop when the fixture was inconclusive (no server) before it started anything.
        if (_world is not null) await _world.DisposeAsync();
    }

    /// <summary>Configures the tenant's hook secret on the gateway, then creates and verifies the hook in the sandbox, pointing at <paramref name="target"/>.</summary>
    public static async Task<string> ConfigureHookAsync(AgentWorld world, GatewayHost target)
    {
        var configured = await world.Gateway.OkAsync(HttpMethod.Put, "/api/v2/okta-hook", world.Tenant.ApiKey, new { integration_id = world.IntegrationId });
        var secret = configured["secret"]!.GetValue<string>();
        var hook = new JsonObject
        {
            ["name"] = "QuantaProxy revocation",
            ["events"] = new JsonObject { ["type"] = "EVENT_TYPE", ["items"] = new JsonArray(OktaRevocationEvent.Types.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()) },
            ["channel"] = new JsonObject
            {
                ["type"] = "HTTP", ["version"] = "1.0.0",
                ["config"] = new JsonObject
                {
                    ["uri"] = new Uri(target.BaseAddress, configured["hook_path"]!.GetValue<string>()).ToString(),
                    ["authScheme"] = new JsonObject { ["type"] = "HEADER", ["key"] = "Authorization", ["value"] = secret },
                },
            },
        };
        using var created = await world.Okta.PostAsJsonAsync("/api/v1/eventHooks", hook);
        var id = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        using var verified = await world.Okta.PostAsync($"/api/v1/eventHooks/{id}/lifecycle/verify", null);
        var body = await verified.Content.ReadAsStringAsync();
        Assert.That((int)verified.StatusCode, Is.EqualTo(200), body);
        Assert.That(JsonNode.Parse(body)!["verificationStatus"]!.GetValue<string>(), Is.EqualTo("VERIFIED"));
        return secret;
    }

    /// <summary>Makes a change in Okta and waits until the sandbox has finished every hook attempt it causes (delivered, dropped or failed).</summary>
    private async Task OktaAsync(string path, int attempts = 1)
    {
        var before = _world.Sandbox.EventHooks.Attempts.Count;
        using var response = await _world.Okta.PostAsync(path, null);
        Assert.That((int)response.StatusCode, Is.InRange(200, 299), await response.Content.ReadAsStringAsync());
        if (attempts == 0) return;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (_world.Sandbox.EventHooks.Attempts.Count < before + attempts && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.That(await _world.Sandbox.EventHooks.WaitForIdleAsync(TimeSpan.FromSeconds(10)), Is.True);
    }

    private async Task<string> ActivePersonAsync(int skip)
    {
        var users = JsonNode.Parse(await _world.Okta.GetStringAsync("/api/v1/users?search=status%20eq%20%22ACTIVE%22&limit=12"))!.AsArray();
        return users[skip]!["id"]!.GetValue<string>();
    }

    [Test]
    public async Task A_suspension_in_Okta_suspends_the_delegation_and_reactivation_needs_an_explicit_restore_that_asks_Okta()
    {
        var person = await ActivePersonAsync(3);
        var delegation = await _world.DelegateAsync(_world.AgentRecordId, person, ["list_users"]);
        var token = await _world.AgbacTokenAsync(person);
        Assert.That((await _world.CallAsync(token)).Status, Is.EqualTo(200));

        await OktaAsync($"/api/v1/users/{person}/lifecycle/suspend");
        Assert.That(await _world.Sandbox.EventHooks.WaitForIdleAsync(TimeSpan.FromSeconds(10)), Is.True);
        var (status, body) = await _world.CallAsync(token);
        Assert.That(status, Is.EqualTo(403), body?.ToJsonString());
        Assert.That(body!["code"]!.GetValue<string>(), Is.AnyOf("person_suspended", "person_inactive"));
        Assert.That(body["field"]!.GetValue<string>(), Is.EqualTo("human"));
        var list = await _world.Gateway.OkAsync(HttpMethod.Get, "/api/v2/delegations", _world.Tenant.ApiKey);
        Assert.That(list["delegations"]!.AsArray().Single(d => d!["delegation_id"]!.GetValue<string>() == delegation)!["status"]!.GetValue<string>(), Is.EqualTo("suspended"));

        var (refused, refusal) = await _world.Gateway.SendAsync(HttpMethod.Post, $"/api/v2/delegations/{delegation}/restore", _world.Tenant.ApiKey);
        Assert.That((int)refused.StatusCode, Is.EqualTo(409), refusal?.ToJsonString());

        await OktaAsync($"/api/v1/users/{person}/lifecycle/unsuspend", attempts: 0);
        Assert.That((await _world.CallAsync(token)).Status, Is.EqualTo(403), "reactivation in Okta does not restore by itself");
        await _world.Gateway.OkAsync(HttpMethod.Post, $"/api/v2/delegations/{delegation}/restore", _world.Tenant.ApiKey);
        Assert.That((await _world.CallAsync(token)).Status, Is.EqualTo(200));

        var revocation = (await _world.AuditEventsAsync()).Last(e => e!["type"]!.GetValue<string>() == "okta.revocation")!;
        Assert.That(revocation["actor"]!.GetValue<string>(), Is.EqualTo("okta:event_hook"));
        Assert.That(revocation["on_behalf_of"]!.GetValue<string>(), Is.EqualTo(person));
        Assert.That(revocation["detail"]!.GetValue<string>(), Does.Contain("event=user.lifecycle.suspend").And.Contain(delegation));
    }

    [Test]
    public async Task A_hook_call_with_a_wrong_secret_or_for_another_tenant_is_401_and_changes_nothing()
    {
        var person = await ActivePersonAsync(4);
        await _world.DelegateAsync(_world.AgentRecordId, person, ["list_users"]);
        var delivery = new JsonObject
        {
            ["data"] = new JsonObject { ["events"] = new JsonArray(new JsonObject
            {
                ["uuid"] = Guid.NewGuid().ToString(), ["published"] = DateTimeOffset.UtcNow.ToString("O"), ["eventType"] = "user.lifecycle.deactivate",
                ["outcome"] = new JsonObject { ["result"] = "SUCCESS" },
                ["target"] = new JsonArray(new JsonObject { ["id"] = person, ["type"] = "User", ["alternateId"] = "x" }),
            }) },
        };
        foreach (var (path, secret) in new[] { ($"/hooks/okta/{_world.Tenant.TenantId}", "qph_wrong"), ($"/hooks/okta/{_world.Tenant.TenantId}", (string?)null), ("/hooks/okta/ten_01M90X5E4DYSF2XRWPTQZ7V51X", _secret) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(delivery) };
            if (secret is not null) request.Headers.TryAddWithoutValidation("Authorization", secret);
            using var response = await _world.Gateway.Client.SendAsync(request);
            Assert.That((int)response.StatusCode, Is.EqualTo(401), await response.Content.ReadAsStringAsync());
        }
        Assert.That((await _world.CallAsync(await _world.AgbacTokenAsync(person))).Status, Is.EqualTo(200), "nothing was revoked");
    }

    [Test]
    public async Task Duplicated_and_reordered_deliveries_apply_once_and_a_lost_one_is_backfilled_from_the_System_Log()
    {
        var first = await ActivePersonAsync(5);
        var second = await ActivePersonAsync(6);
        var lost = await ActivePersonAsync(7);
        foreach (var p in new[] { first, second, lost }) await _world.DelegateAsync(_world.AgentRecordId, p, ["list_users"]);
        var revocationsBefore = (await _world.AuditEventsAsync()).Count(e => e!["type"]!.GetValue<string>() == "okta.revocation");

        _world.Sandbox.Faults.EventHooks.DuplicateNextDeliveries(1);
        _world.Sandbox.Faults.EventHooks.ReorderNextDeliveries(1);
        await OktaAsync($"/api/v1/users/{first}/lifecycle/deactivate", attempts: 0);
        await OktaAsync($"/api/v1/users/{second}/lifecycle/deactivate", attempts: 3);
        Assert.That(await _world.Sandbox.EventHooks.WaitForIdleAsync(TimeSpan.FromSeconds(10)), Is.True);
        _world.Sandbox.Faults.EventHooks.DropNextDeliveries(1);
        await OktaAsync($"/api/v1/users/{lost}/lifecycle/deactivate");
        Assert.That(await _world.Sandbox.EventHooks.WaitForIdleAsync(TimeSpan.FromSeconds(10)), Is.True);
        _world.Sandbox.Faults.EventHooks.Clear();

        var lostToken = await _world.AgbacTokenAsync(lost);
        var events = await _world.AuditEventsAsync();
        Assert.That(events.Count(e => e!["type"]!.GetValue<string>() == "okta.revocation") - revocationsBefore, Is.EqualTo(2), "the duplicate applied once, the lost one not yet");

        var applied = await _world.Gateway.Services.GetRequiredService<SystemLogBackfill>().RunOnceAsync(CancellationToken.None);
        Assert.That(applied, Is.EqualTo(1), "the System Log had the lost event; the delivered ones were already seen");
        var (status, body) = await _world.CallAsync(lostToken);
        Assert.That(status, Is.EqualTo(403), body?.ToJsonString());
        Assert.That(body!["field"]!.GetValue<string>(), Is.EqualTo("human"));
        var backfilled = (await _world.AuditEventsAsync()).Last(e => e!["type"]!.GetValue<string>() == "okta.revocation")!;
        Assert.That(backfilled["actor"]!.GetValue<string>(), Is.EqualTo("okta:system_log"));
        Assert.That(backfilled["on_behalf_of"]!.GetValue<string>(), Is.EqualTo(lost));
        foreach (var p in new[] { first, second })
            Assert.That((await _world.CallAsync(await _world.AgbacTokenAsync(p))).Status, Is.EqualTo(403));
    }

    [Test]
    public async Task A_flood_of_hook_calls_is_rate_limited_and_a_huge_body_refused()
    {
        var statuses = new List<int>();
        for (var i = 0; i < 60; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/hooks/okta/{_world.Tenant.TenantId}") { Content = JsonContent.Create(new { data = new { events = Array.Empty<object>() } }) };
            request.Headers.TryAddWithoutValidation("Authorization", _secret);
            using var response = await _world.Gateway.Client.SendAsync(request);
            statuses.Add((int)response.StatusCode);
        }
        Assert.That(statuses, Does.Contain(429));
        _world.Clock.Advance(TimeSpan.FromSeconds(1.1)); // past the one-second window, so the next call is not the limiter's
        using var huge = new HttpRequestMessage(HttpMethod.Post, $"/hooks/okta/{_world.Tenant.TenantId}") { Content = new StringContent(new string(' ', 300_000), System.Text.Encoding.UTF8, "application/json") };
        huge.Headers.TryAddWithoutValidation("Authorization", _secret);
        using var refused = await _world.Gateway.Client.SendAsync(huge);
        Assert.That((int)refused.StatusCode, Is.EqualTo(413));
    }
}
