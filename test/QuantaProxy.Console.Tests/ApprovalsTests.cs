using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace QuantaProxy.Console.Tests;

/// <summary>
/// An approver's journey: a call held by a policy is in the queue, its details show the arguments the policy saw, and the
/// person's Approve runs it once (Reject never); an auditor is shown neither the queue nor the buttons.
/// </summary>
[NonParallelizable]
public sealed class ApprovalsTests : ConsolePageTest
{
    private const string Policies = """
        @id("all") permit(principal, action, resource);
        @id("sessions-need-a-person") @approval("1") @reason("Ending someone's sessions needs a second person")
        forbid(principal, action == QuantaProxy::Action::"clear_user_sessions", resource);
        """;

    private static string? _integration;

    [SetUp]
    public async Task HoldSessionsAsync()
    {
        // An integration of its own that may end sessions, on the tenant's sealed credential; the tenant's list_users one is untouched.
        _integration ??= (await Env.OkAsync(HttpMethod.Post, "/api/v2/integrations", Env.Main.ApiKey, new
        {
            system_type = "okta", name = "acme-sessions", okta_domain = Env.Sandbox.BaseAddress.ToString().TrimEnd('/'), credential_id = Env.Main.CredentialId,
            allowed_operations = new[] { "clear_user_sessions" },
        }))["integration_id"]!.GetValue<string>();
        await Env.OkAsync(HttpMethod.Put, "/api/v2/policies", Env.Main.ApiKey, new { policies = Policies });
    }

    [TearDown]
    public async Task PoliciesOffAsync() => await Env.OkAsync(HttpMethod.Put, "/api/v2/policies", Env.Main.ApiKey, new { policies = "" });

    /// <summary>A call made with the tenant's plain API key (no person), so any approver person may decide on it.</summary>
    private static async Task<(string ApprovalId, string UserId)> HoldAsync(int index)
    {
        using var okta = new HttpClient { BaseAddress = Env.Sandbox.BaseAddress };
        okta.DefaultRequestHeaders.Add("Authorization", "SSWS " + Env.OktaToken);
        var userId = JsonNode.Parse(await okta.GetStringAsync("/api/v1/users?limit=200"))!.AsArray().Reverse().ElementAt(index)!["id"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/proxy/outbound");
        request.Headers.Add("X-API-Key", Env.Main.ApiKey);
        request.Content = JsonContent.Create(new { integration_id = _integration, operation = "clear_user_sessions", payload = new { user_id = userId } }, options: ConsoleEnvironment.Json);
        using var response = await Env.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), body);
        return (JsonNode.Parse(body)!["approval_id"]!.GetValue<string>(), userId);
    }

    [Test]
    public async Task An_approver_sees_the_held_call_with_its_arguments_and_approving_runs_it_once()
    {
        var (id, userId) = await HoldAsync(0);
        await SignInWithOktaAsync(Env.ApproverLogin);
        await Page.GotoAsync("/console/approvals");
        await AssertAccessibleAsync();
        var row = Page.Locator("tr", new() { HasText = id });
        Assert.That(await row.InnerTextAsync(), Does.Contain("clear_user_sessions").And.Contain(_integration!).And.Contain("0 of 1 approval"));
        Assert.That(await Page.Locator("main").InnerTextAsync(), Does.Not.Contain(userId), "the queue never shows arguments");
        Assert.That(await Page.GetByRole(AriaRole.Link, new() { Name = "Approvals" }).CountAsync(), Is.EqualTo(1), "the nav offers the queue to an approver");
        await ScreenshotAsync("approvals");

        await row.GetByRole(AriaRole.Link, new() { Name = id }).ClickAsync();
        await Page.WaitForURLAsync(url => url.EndsWith("/console/approvals/" + id, StringComparison.Ordinal));
        await AssertAccessibleAsync();
        var details = await Page.Locator("main").InnerTextAsync();
        Assert.That(details, Does.Contain(userId).And.Contain("user_id"), "the arguments the policy saw");
        Assert.That(details, Does.Contain("sessions-need-a-person").And.Contain("Ending someone's sessions needs a second person"));
        await ScreenshotAsync("approval-detail");

        var before = Env.Sandbox.Stats.Requests;
        await Page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("done=", StringComparison.Ordinal));
        Assert.That(await Page.Locator("[role=status]").InnerTextAsync(), Does.Contain("Approved").And.Contain("executed"));
        Assert.That(await Page.GetByTestId("approval-state").InnerTextAsync(), Is.EqualTo("executed"));
        Assert.That(await Page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).CountAsync(), Is.Zero, "nothing left to decide");
        Assert.That(Env.Sandbox.Stats.Requests - before, Is.EqualTo(1), "the call ran once against the sandbox");
        Assert.That(await Page.Locator("main").InnerTextAsync(), Does.Contain("person:" + Env.ApproverUserId));

        var events = (await Env.OkAsync(HttpMethod.Get, "/api/v2/audit/events?type=approval.approve&limit=1000", Env.Main.ApiKey))["events"]!.AsArray();
        var decision = events.Last(e => e!["detail"]!.GetValue<string>().StartsWith($"approval={id};", StringComparison.Ordinal))!;
        Assert.That(decision["actor"]!.GetValue<string>(), Does.EndWith("|" + Env.ApproverUserId), "the audit names the person who decided");
        Assert.That(decision["outcome"]!.GetValue<string>(), Is.EqualTo("executing"));
    }

    [Test]
    public async Task An_approver_rejects_a_held_call_and_it_is_never_run()
    {
        var (id, _) = await HoldAsync(1);
        await SignInWithOktaAsync(Env.ApproverLogin);
        await Page.GotoAsync("/console/approvals/" + id);
        var before = Env.Sandbox.Stats.Requests;
        await Page.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("done=", StringComparison.Ordinal));
        Assert.That(await Page.Locator("[role=status]").InnerTextAsync(), Does.Contain("Rejected"));
        Assert.That(await Page.GetByTestId("approval-state").InnerTextAsync(), Is.EqualTo("rejected"));
        Assert.That(Env.Sandbox.Stats.Requests, Is.EqualTo(before), "a rejected call never reaches Okta");
        await AssertAccessibleAsync();

        await Page.GotoAsync("/console/approvals?state=rejected");
        Assert.That(await Page.Locator("tr", new() { HasText = id }).InnerTextAsync(), Does.Contain("rejected"));
        await AssertAccessibleAsync();
    }

    [Test]
    public async Task An_auditor_is_shown_the_APIs_refusal_and_no_decision()
    {
        var (id, userId) = await HoldAsync(2);
        await SignInWithOktaAsync(Env.AuditorLogin);
        Assert.That(await Page.GetByRole(AriaRole.Link, new() { Name = "Approvals" }).CountAsync(), Is.Zero, "no queue in an auditor's nav");
        await Page.GotoAsync("/console/approvals/" + id);
        await AssertAccessibleAsync();
        Assert.That(await Page.Locator("[role=alert]").InnerTextAsync(), Is.Not.Empty);
        Assert.That(await Page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).CountAsync(), Is.Zero);
        Assert.That(await Page.Locator("main").InnerTextAsync(), Does.Not.Contain(userId));

        await Page.GotoAsync("/console/approvals");
        Assert.That(await Page.Locator("[role=alert]").InnerTextAsync(), Does.Contain("approvals:decide"), "the API's refusal");
        Assert.That(await Page.Locator("main").InnerTextAsync(), Does.Not.Contain(id));
        await AssertAccessibleAsync();
    }
}
