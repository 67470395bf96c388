using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.Tests;

/// <summary>
/// Event hooks over real loopback HTTP: Okta's Event Hooks API and verification, a delivery for each revocation-relevant change
/// made through the Management API (with the configured headers, Okta's envelope and the System Log event), the one retry,
/// loopback-only URIs, and the delivery faults.
/// </summary>
public sealed class EventHookTests
{
    private const string Ssws = "00sandbox-hooks-ssws";
    private const string Secret = "Bearer hook-shared-secret-0123456789";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static readonly string[] AllTypes =
    [
        "user.lifecycle.deactivate", "user.lifecycle.suspend", "user.lifecycle.delete.initiated",
        "group.user_membership.remove", "application.user_membership.remove", "user.session.clear",
    ];

    private OktaSandboxServer _sandbox = null!;
    private EventHookReceiver _receiver = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task StartAsync()
    {
        var options = new SandboxOptions { ApiTokens = { Ssws }, SeedUsers = 40, SeedGroups = 3, SeedApps = 2, SeedLogEvents = 3 };
        options.EventHooks.RetryDelay = TimeSpan.FromMilliseconds(300);
        options.EventHooks.Timeout = TimeSpan.FromSeconds(1);
        _sandbox = await OktaSandboxServer.StartAsync(options);
        _receiver = await EventHookReceiver.StartAsync();
        _http = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("SSWS", Ssws);
    }

    [TearDown]
    public async Task StopAsync()
    {
        _http.Dispose();
        await _sandbox.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Test]
    public async Task A_hook_is_created_unverified_verified_by_the_challenge_and_deleted_only_when_inactive()
    {
        var (status, hook) = await SendAsync(HttpMethod.Post, "/api/v1/eventHooks", Definition(_receiver.Url.AbsoluteUri, AllTypes));
        Assert.That(status, Is.EqualTo(200), hook?.ToJsonString());
        var id = hook!["id"]!.GetValue<string>();
        Assert.That(id, Does.StartWith("who").And.Length.EqualTo(20));
        Assert.That(hook["status"]!.GetValue<string>(), Is.EqualTo("ACTIVE"));
        Assert.That(hook["verificationStatus"]!.GetValue<string>(), Is.EqualTo("UNVERIFIED"));
        var config = hook["channel"]!["config"]!;
        Assert.That(config["authScheme"]!.AsObject().Select(p => p.Key), Is.EquivalentTo(new[] { "type", "key" }), "the secret is never shown");
        Assert.That(hook.ToJsonString(), Does.Not.Contain("hook-shared-secret"));
        Assert.That(config["method"]!.GetValue<string>(), Is.EqualTo("POST"));
        Assert.That(hook["_links"]!["verify"]!["href"]!.GetValue<string>(), Does.EndWith($"/api/v1/eventHooks/{id}/lifecycle/verify"));

        var (verified, after) = await SendAsync(HttpMethod.Post, $"/api/v1/eventHooks/{id}/lifecycle/verify");
        Assert.That(verified, Is.EqualTo(200), after?.ToJsonString());
        Assert.That(after!["verificationStatus"]!.GetValue<string>(), Is.EqualTo("VERIFIED"));
        var challenge = _receiver.Calls.Single(c => c.Method == "GET");
        Assert.That(challenge.Header("X-Okta-Verification-Challenge"), Has.Length.GreaterThanOrEqualTo(32));
        Assert.That(challenge.Header("Authorization"), Is.EqualTo(Secret));
        Assert.That(challenge.Header("X-Other-Header"), Is.EqualTo("my-header-value"));

        var (_, list) = await SendAsync(HttpMethod.Get, "/api/v1/eventHooks");
        Assert.That(list!.AsArray().Select(h => h!["id"]!.GetValue<string>()), Is.EqualTo(new[] { id }));
        var (refused, error) = await SendAsync(HttpMethod.Delete, $"/api/v1/eventHooks/{id}");
        Assert.That(refused, Is.EqualTo(400));
        Assert.That(error!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000001"));
        var (_, inactive) = await SendAsync(HttpMethod.Post, $"/api/v1/eventHooks/{id}/lifecycle/deactivate");
        Assert.That(inactive!["status"]!.GetValue<string>(), Is.EqualTo("INACTIVE"));
        Assert.That(inactive["_links"]!["activate"], Is.Not.Null);
        Assert.That((await SendAsync(HttpMethod.Delete, $"/api/v1/eventHooks/{id}")).Status, Is.EqualTo(204));
        var (gone, notFound) = await SendAsync(HttpMethod.Get, $"/api/v1/eventHooks/{id}");
        Assert.That(gone, Is.EqualTo(404));
        Assert.That(notFound!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000007"));
    }

    [TestCase("https://hooks.example.com/okta", "channel.config.uri: The sandbox only calls event hooks on a loopback address (127.0.0.0/8, ::1 or localhost)")]
    [TestCase("http://10.0.0.1/okta", "channel.config.uri: The sandbox only calls event hooks on a loopback address (127.0.0.0/8, ::1 or localhost)")]
    [TestCase("ftp://127.0.0.1/okta", "channel.config.uri: The URI must use http or https")]
    [TestCase("http://user:pw@127.0.0.1/okta", "channel.config.uri: The URI must not carry user information or a fragment")]
    public async Task A_hook_URI_off_this_machine_is_refused_with_Oktas_validation_error(string uri, string cause)
    {
        var (status, error) = await SendAsync(HttpMethod.Post, "/api/v1/eventHooks", Definition(uri, AllTypes));
        Assert.That(status, Is.EqualTo(400));
        Assert.That(error!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000001"));
        Assert.That(error["errorCauses"]!.AsArray().Select(c => c!["errorSummary"]!.GetValue<string>()), Is.EqualTo(new[] { cause }));
    }

    [Test]
    public async Task An_unknown_event_type_or_a_header_that_could_split_the_request_is_refused()
    {
        var (status, error) = await SendAsync(HttpMethod.Post, "/api/v1/eventHooks", Definition(_receiver.Url.AbsoluteUri, ["user.lifecycle.nonsense"]));
        Assert.That(status, Is.EqualTo(400));
        Assert.That(error!["errorCauses"]![0]!["errorSummary"]!.GetValue<string>(), Does.StartWith("events.items:"));
        var bad = Definition(_receiver.Url.AbsoluteUri, AllTypes);
        bad["channel"]!["config"]!["headers"] = new JsonArray(new JsonObject { ["key"] = "X-Evil", ["value"] = "a\r\nHost: elsewhere" });
        Assert.That((await SendAsync(HttpMethod.Post, "/api/v1/eventHooks", bad)).Status, Is.EqualTo(400));
    }

    [Test]
    public async Task A_wrong_verification_answer_fails_after_one_retry_and_an_unverified_hook_gets_nothing()
    {
        _receiver.AnswerVerification = false;
        var (_, hook) = await SendAsync(HttpMethod.Post, "/api/v1/eventHooks", Definition(_receiver.Url.AbsoluteUri, AllTypes));
        var id = hook!["id"]!.GetValue<string>();
        var (status, error) = await SendAsync(HttpMethod.Post, $"/api/v1/eventHooks/{id}/lifecycle/verify");
        Assert.That(status, Is.EqualTo(400));
        Assert.That(error!["errorCauses"]![0]!["errorSummary"]!.GetValue<string>(), Is.EqualTo("verification: Unable to verify the event hook: the 'verification' value is not the challenge"));
        Assert.That(_receiver.Calls.Count(c => c.Method == "GET"), Is.EqualTo(2), "one retry");
        var (_, after) = await SendAsync(HttpMethod.Get, $"/api/v1/eventHooks/{id}");
        Assert.That(after!["verificationStatus"]!.GetValue<string>(), Is.EqualTo("UNVERIFIED"));

        await SendAsync(HttpMethod.Post, $"/api/v1/users/{await ActiveUserAsync()}/lifecycle/suspend");
        Assert.That(await _sandbox.EventHooks.WaitForIdleAsync(Wait), Is.True);
        Assert.That(_receiver.Calls.Where(c => c.Method == "POST"), Is.Empty);
    }

    [TestCase("user.lifecycle.deactivate")]
    [TestCase("user.lifecycle.suspend")]
    [TestCase("user.lifecycle.delete.initiated")]
    [TestCase("group.user_membership.remove")]
    [TestCase("application.user_membership.remove")]
    [TestCase("user.session.clear")]
    public async Task A_change_through_the_Management_API_is_delivered_to_subscribed_hooks_and_written_to_the_System_Log(string eventType)
    {
        await RegisterHookAsync([eventType]);
        var userId = await ActiveUserAsync();
        var (_, user) = await SendAsync(HttpMethod.Get, $"/api/v1/users/{userId}");
        var login = user!["profile"]!["login"]!.GetValue<string>();
        string? groupId = null, appId = null;
        switch (eventType)
        {
            case "user.lifecycle.deactivate":
                Assert.That((await SendAsync(HttpMethod.Post, $"/api/v1/users/{userId}/lifecycle/deactivate")).Status, Is.EqualTo(200));
                break;
            case "user.lifecycle.suspend":
                Assert.That((await SendAsync(HttpMethod.Post, $"/api/v1/users/{login}/lifecycle/suspend")).Status, Is.EqualTo(200));
                break;
            case "user.lifecycle.delete.initiated":
                Assert.That((await SendAsync(HttpMethod.Delete, $"/api/v1/users/{userId}")).Status, Is.EqualTo(204), "deactivates");
                Assert.That((await SendAsync(HttpMethod.Delete, $"/api/v1/users/{userId}")).Status, Is.EqualTo(204), "deletes");
                Assert.That((await SendAsync(HttpMethod.Get, $"/api/v1/users/{userId}")).Status, Is.EqualTo(404));
                break;
            case "group.user_membership.remove":
                var (_, groups) = await SendAsync(HttpMethod.Get, $"/api/v1/users/{userId}/groups");
                groupId = groups!.AsArray().Last()!["id"]!.GetValue<string>();
                Assert.That((await SendAsync(HttpMethod.Delete, $"/api/v1/groups/{groupId}/users/{userId}")).Status, Is.EqualTo(204));
                break;
            case "application.user_membership.remove":
                var (_, apps) = await SendAsync(HttpMethod.Get, "/api/v1/apps");
                appId = apps!.AsArray()[0]!["id"]!.GetValue<string>();
                Assert.That((await SendAsync(HttpMethod.Delete, $"/api/v1/apps/{appId}/users/{userId}")).Status, Is.EqualTo(204));
                Assert.That((await SendAsync(HttpMethod.Delete, $"/api/v1/apps/{appId}/users/{userId}")).Status, Is.EqualTo(404), "no longer assigned");
                break;
            case "user.session.clear":
                Assert.That((await SendAsync(HttpMethod.Delete, $"/api/v1/users/{userId}/sessions")).Status, Is.EqualTo(204));
                break;
        }

        var delivery = (await _receiver.WaitForDeliveriesAsync(1, Wait)).Single();
        Assert.That(delivery.Header("Authorization"), Is.EqualTo(Secret));
        Assert.That(delivery.Header("X-Other-Header"), Is.EqualTo("my-header-value"));
        Assert.That(delivery.Header("Content-Type"), Does.StartWith("application/json"));
        var envelope = delivery.Json!;
        Assert.That(envelope.Select(p => p.Key), Is.EquivalentTo(new[] { "eventType", "eventTypeVersion", "cloudEventsVersion", "source", "eventId", "data", "eventTime", "contentType" }));
        Assert.That(envelope["eventType"]!.GetValue<string>(), Is.EqualTo("com.okta.event_hook"));
        Assert.That(envelope["eventTypeVersion"]!.GetValue<string>(), Is.EqualTo("1.0"));
        Assert.That(envelope["cloudEventsVersion"]!.GetValue<string>(), Is.EqualTo("0.1"));
        Assert.That(envelope["contentType"]!.GetValue<string>(), Is.EqualTo("application/json"));
        Assert.That(envelope["source"]!.GetValue<string>(), Does.StartWith(_sandbox.BaseAddress.GetLeftPart(UriPartial.Authority) + "/api/v1/eventHooks/who"));
        var logEvent = delivery.Events.Single();
        Assert.That(logEvent["eventType"]!.GetValue<string>(), Is.EqualTo(eventType));
        Assert.That(logEvent["actor"]!["id"]!.GetValue<string>(), Is.EqualTo("00usandboxadmin00000"));
        var targets = logEvent["target"]!.AsArray();
        var userTarget = targets.Single(t => t!["type"]!.GetValue<string>() == "User")!;
        Assert.That(userTarget["id"]!.GetValue<string>(), Is.EqualTo(userId));
        Assert.That(userTarget["alternateId"]!.GetValue<string>(), Is.EqualTo(login));
        if (groupId is not null) Assert.That(targets.Single(t => t!["type"]!.GetValue<string>() == "UserGroup")!["id"]!.GetValue<string>(), Is.EqualTo(groupId));
        if (appId is not null) Assert.That(targets.Single(t => t!["type"]!.GetValue<string>() == "AppInstance")!["id"]!.GetValue<string>(), Is.EqualTo(appId));
        Assert.That(targets, Has.Count.EqualTo(groupId is null && appId is null ? 1 : 2));

        // The same event is in the System Log, for consumers that missed the delivery.
        var logged = await LogEventsAsync();
        var entry = logged.Single(l => l["uuid"]!.GetValue<string>() == logEvent["uuid"]!.GetValue<string>());
        Assert.That(entry.ToJsonString(), Is.EqualTo(logEvent.ToJsonString()));
    }

    [Test]
    public async Task Changes_that_did_not_happen_are_neither_delivered_nor_logged()
    {
        await RegisterHookAsync(AllTypes);
        var userId = await ActiveUserAsync();
        var logsBefore = (await LogEventsAsync()).Count;
        Assert.That((await SendAsync(HttpMethod.Post, $"/api/v1/users/{userId}/lifecycle/deactivate")).Status, Is.EqualTo(200));
        Assert.That((await SendAsync(HttpMethod.Post, $"/api/v1/users/{userId}/lifecycle/deactivate")).Status, Is.EqualTo(403), "already deactivated");
        var (_, groups) = await SendAsync(HttpMethod.Get, "/api/v1/groups");
        var notAMemberOf = groups!.AsArray().Select(g => g!["id"]!.GetValue<string>()).First(g => g != groups[0]!["id"]!.GetValue<string>());
        await SendAsync(HttpMethod.Delete, $"/api/v1/groups/{notAMemberOf}/users/{userId}");
        await SendAsync(HttpMethod.Delete, $"/api/v1/groups/{notAMemberOf}/users/{userId}");
        Assert.That(await _sandbox.EventHooks.WaitForIdleAsync(Wait), Is.True);
        var types = _receiver.Deliveries.SelectMany(d => d.Events).Select(e => e["eventType"]!.GetValue<string>()).ToList();
        Assert.That(types.Count(t => t == "user.lifecycle.deactivate"), Is.EqualTo(1));
        Assert.That(types.Count(t => t == "group.user_membership.remove"), Is.LessThanOrEqualTo(1), "at most the one real removal");
        Assert.That((await LogEventsAsync()).Count - logsBefore, Is.EqualTo(types.Count));
    }

    [Test]
    public async Task A_failed_delivery_is_retried_once_after_the_delay_with_the_same_eventId()
    {
        var hookId = await RegisterHookAsync(AllTypes);
        _receiver.FailNextDeliveries = 1;
        await SendAsync(HttpMethod.Delete, $"/api/v1/users/{await ActiveUserAsync()}/sessions");
        var delivered = await _receiver.WaitForDeliveriesAsync(1, Wait);
        Assert.That(await _sandbox.EventHooks.WaitForIdleAsync(Wait), Is.True);
        var posts = _receiver.Calls.Where(c => c.Method == "POST").ToList();
        Assert.That(posts.Select(p => p.AnsweredStatus), Is.EqualTo(new[] { 500, 200 }));
        Assert.That(posts[1].At - posts[0].At, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250)), "after the retry delay");
        Assert.That(posts[0].Json!["eventId"]!.GetValue<string>(), Is.EqualTo(delivered.Single().Json!["eventId"]!.GetValue<string>()));
        var attempts = _sandbox.EventHooks.Attempts.Where(a => a.HookId == hookId).ToList();
        Assert.That(attempts.Select(a => (a.Attempt, a.Status, a.Outcome)), Is.EqualTo(new (int, int?, string)[] { (1, 500, "failed"), (2, 200, "delivered") }));

        // Failing twice loses the delivery: Okta retries only once. The System Log still has the event.
        _receiver.FailNextDeliveries = 2;
        var userId = await ActiveUserAsync();
        await SendAsync(HttpMethod.Post, $"/api/v1/users/{userId}/lifecycle/suspend");
        Assert.That(await _sandbox.EventHooks.WaitForIdleAsync(Wait), Is.True);
        Assert.That(_receiver.Deliveries, Has.Count.EqualTo(1));
        Assert.That(_receiver.Calls.Count(c => c.Method == "POST"), Is.EqualTo(4));
        Assert.That((await LogEventsAsync()).Any(l => l["eventType"]!.GetValue<string>() == "user.lifecycle.suspend" && l["target"]![0]!["id"]!.GetValue<string>() == userId), Is.True);
    }

    [Test]
    public async Task A_delivery_answered_after_the_timeout_counts_as_failed_and_is_retried()
    {
        await RegisterHookAsync(AllTypes);
        _receiver.DeliveryDelay = TimeSpan.FromSeconds(1.5);
        await SendAsync(HttpMethod.Delete, $"/api/v1/users/{await ActiveUserAsync()}/sessions");
        var deadline = DateTime.UtcNow + Wait;
        while (!_sandbox.EventHooks.Attempts.Any(a => a.Outcome == "failed") && DateTime.UtcNow < deadline) await Task.Delay(20);
        _receiver.DeliveryDelay = TimeSpan.Zero;
        Assert.That(await _sandbox.EventHooks.WaitForIdleAsync(Wait), Is.True);
        Assert.That(_sandbox.EventHooks.Attempts.Select(a => (a.Attempt, a.Status, a.Outcome)), Is.EqualTo(new (int, int?, string)[] { (1, null, "failed"), (2, 200, "delivered") }));
    }

    [Test]
    public async Task Fault_injection_drops_duplicates_and_reorders_deliveries()
    {
        await RegisterHookAsync(AllTypes);
        var users = await ActiveUsersAsync(4);

        _sandbox.Faults.EventHooks.DropNextDeliveries(1);
        await SendAsync(HttpMethod.Delete, $"/api/v1/users/{users[0]}/sessions");
        Assert.That(await _sandbox.EventHooks.WaitForIdleAsync(Wait), Is.True);
        Assert.That(_receiver.Calls.Where(c => c.Method == "POST"), Is.Empty);
        Assert.That(_sandbox.EventHooks.Attempts.Single().Outcome, Is.EqualTo("dropped"));

        _sandbox.Faults.EventHooks.DuplicateNextDeliveries(1);
        await SendAsync(HttpMethod.Delete, $"/api/v1/users/{users[1]}/sessions");
        var twice = await _receiver.WaitForDeliveriesAsync(2, Wait);
        Assert.That(twice.Select(d => d.Json!["eventId"]!.GetValue<string>()).Distinct().Count(), Is.EqualTo(1), "the same delivery twice");

        _sandbox.Faults.EventHooks.ReorderNextDeliveries(1);
        _sandbox.Faults.EventHooks.DeliveryDelay = TimeSpan.FromMilliseconds(100);
        await SendAsync(HttpMethod.Delete, $"/api/v1/users/{users[2]}/sessions");
        await SendAsync(HttpMethod.Delete, $"/api/v1/users/{users[3]}/sessions");
        var all = await _receiver.WaitForDeliveriesAsync(4, Wait);
        var order = all.Skip(2).Select(d => d.Events.Single()["target"]![0]!["id"]!.GetValue<string>()).ToList();
        Assert.That(order, Is.EqualTo(new[] { users[3], users[2] }), "the first change arrives after the second");
    }

    [Test]
    public async Task A_service_app_needs_the_eventHooks_scopes_and_is_the_actor_of_the_changes_it_makes()
    {
        using var key = TestKey.EcP256("svc-1");
        const string appId = "0oahookadmin0000001";
        var options = new SandboxOptions { SeedUsers = 20, SeedGroups = 2, SeedApps = 1, SeedLogEvents = 1 };
        options.ServiceApps.Add(new SandboxServiceApp
        {
            ClientId = appId, RequireDpop = false, Keys = { key.PublicJwk() },
            GrantedScopes = ["okta.users.read", "okta.users.manage", "okta.eventHooks.read", "okta.eventHooks.manage"],
        });
        await using var sandbox = await OktaSandboxServer.StartAsync(options);
        using var client = new OAuthTestClient(sandbox.BaseAddress, appId, key);
        async Task<string> TokenAsync(string scope) =>
            (await client.PostTokenAsync(client.Form(scope), proof: null)).Body!["access_token"]!.GetValue<string>();

        var readOnly = await TokenAsync("okta.eventHooks.read");
        var refused = await client.CallAsync(HttpMethod.Post, "/api/v1/eventHooks", "Bearer", readOnly, null, Definition(_receiver.Url.AbsoluteUri, AllTypes).ToJsonString());
        Assert.That(refused.Status, Is.EqualTo(403));
        Assert.That(refused.Challenge, Does.Contain("scope=\"okta.eventHooks.manage\""));
        Assert.That((await client.CallAsync(HttpMethod.Get, "/api/v1/eventHooks", "Bearer", readOnly, null)).Status, Is.EqualTo(200));

        var manage = await TokenAsync("okta.eventHooks.manage okta.users.manage");
        var created = await client.CallAsync(HttpMethod.Post, "/api/v1/eventHooks", "Bearer", manage, null, Definition(_receiver.Url.AbsoluteUri, AllTypes).ToJsonString());
        Assert.That(created.Status, Is.EqualTo(200), created.Text);
        var hookId = created.Body!["id"]!.GetValue<string>();
        Assert.That((await client.CallAsync(HttpMethod.Post, $"/api/v1/eventHooks/{hookId}/lifecycle/verify", "Bearer", manage, null)).Status, Is.EqualTo(200));
        var users = await client.CallAsync(HttpMethod.Get, "/api/v1/users?search=status%20eq%20%22ACTIVE%22&limit=1", "Bearer", manage, null);
        var userId = users.Body![0]!["id"]!.GetValue<string>();
        Assert.That((await client.CallAsync(HttpMethod.Post, $"/api/v1/users/{userId}/lifecycle/suspend", "Bearer", manage, null)).Status, Is.EqualTo(200));

        var actor = (await _receiver.WaitForDeliveriesAsync(1, Wait)).Single().Events.Single()["actor"]!;
        Assert.That(actor["type"]!.GetValue<string>(), Is.EqualTo("PublicClientApp"));
        Assert.That(actor["id"]!.GetValue<string>(), Is.EqualTo(appId));
    }

    private static JsonObject Definition(string uri, string[] eventTypes) => new()
    {
        ["name"] = "Agent revocation",
        ["events"] = new JsonObject { ["type"] = "EVENT_TYPE", ["items"] = new JsonArray(eventTypes.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()) },
        ["channel"] = new JsonObject
        {
            ["type"] = "HTTP",
            ["version"] = "1.0.0",
            ["config"] = new JsonObject
            {
                ["uri"] = uri,
                ["headers"] = new JsonArray(new JsonObject { ["key"] = "X-Other-Header", ["value"] = "my-header-value" }),
                ["authScheme"] = new JsonObject { ["type"] = "HEADER", ["key"] = "Authorization", ["value"] = Secret },
            },
        },
    };

    private async Task<string> RegisterHookAsync(string[] eventTypes)
    {
        var (status, hook) = await SendAsync(HttpMethod.Post, "/api/v1/eventHooks", Definition(_receiver.Url.AbsoluteUri, eventTypes));
        Assert.That(status, Is.EqualTo(200), hook?.ToJsonString());
        var id = hook!["id"]!.GetValue<string>();
        Assert.That((await SendAsync(HttpMethod.Post, $"/api/v1/eventHooks/{id}/lifecycle/verify")).Status, Is.EqualTo(200));
        return id;
    }

    private async Task<string> ActiveUserAsync() => (await ActiveUsersAsync(1))[0];

    /// <summary>ACTIVE users not yet used by this test (each call takes the next ones).</summary>
    private async Task<List<string>> ActiveUsersAsync(int count)
    {
        var (_, users) = await SendAsync(HttpMethod.Get, "/api/v1/users?search=status%20eq%20%22ACTIVE%22&limit=200");
        var ids = users!.AsArray().Select(u => u!["id"]!.GetValue<string>()).Skip(_taken).Take(count).ToList();
        _taken += count;
        return ids;
    }

    private int _taken;

    private async Task<List<JsonObject>> LogEventsAsync()
    {
        var (_, logs) = await SendAsync(HttpMethod.Get, "/api/v1/logs?limit=1000");
        return logs!.AsArray().OfType<JsonObject>().ToList();
    }

    private async Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, JsonObject? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }
}
