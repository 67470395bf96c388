using Microsoft.Playwright;

namespace QuantaProxy.Console.Tests;

public sealed class PoliciesTests : ConsolePageTest
{
    // Line 3 lacks the comma between principal and action.
    private const string Broken = "@id(\"everything-else\")\npermit(principal, action, resource);\nforbid(principal action, resource);\n";

    // Forbids only an operation no other console test calls, so the tenant's other journeys are unaffected while it is active.
    private const string Fixed = "@id(\"everything-else\")\npermit(principal, action, resource);\n\n@id(\"no-deactivation\")\n"
        + "@reason(\"Users are deactivated in Okta only\")\nforbid(principal, action == QuantaProxy::Action::\"deactivate_user\", resource);\n";

    private ILocator Nav => Page.GetByRole(AriaRole.Navigation, new() { Name = "Console" });

    [TearDown]
    public async Task TurnPoliciesOffAsync() =>
        // An empty version: the tenant has no active set again for the tests that follow.
        await Env.OkAsync(HttpMethod.Put, "/api/v2/policies", Env.Main.ApiKey, new { policies = "" });

    [Test]
    public async Task Shows_a_fault_at_its_line_keeps_the_edit_activates_the_fix_and_dry_runs_calls()
    {
        await SignInWithOktaAsync();
        await Nav.GetByRole(AriaRole.Link, new() { Name = "Policies", Exact = true }).ClickAsync();
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/console/policies");
        await AssertAccessibleAsync();

        // (a) A syntax error on line 3: shown with its line and column, the line marked, the text kept.
        var editor = Page.GetByLabel("Policy text (Cedar)");
        await editor.FillAsync(Broken);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Validate and activate" }).ClickAsync();
        var alert = Page.Locator("#policy-error");
        Assert.That(await alert.InnerTextAsync(), Does.Contain("line 3, column"));
        Assert.That(await alert.GetByRole(AriaRole.Link).GetAttributeAsync("href"), Is.EqualTo("#line-3"));
        var marked = Page.Locator("ol.policy-lines li.error");
        Assert.That(await marked.CountAsync(), Is.EqualTo(1));
        Assert.That(await marked.GetAttributeAsync("id"), Is.EqualTo("line-3"));
        Assert.That(await marked.GetAttributeAsync("aria-current"), Is.EqualTo("true"));
        Assert.That(await marked.InnerTextAsync(), Does.Contain("forbid(principal action, resource);"));
        Assert.That(await editor.InputValueAsync(), Is.EqualTo(Broken), "the person's edit is kept");
        Assert.That(await editor.GetAttributeAsync("aria-invalid"), Is.EqualTo("true"));
        await AssertAccessibleAsync();
        await ScreenshotAsync("policy-fault");
        var refused = await Env.OkAsync(HttpMethod.Get, "/api/v2/policies/versions", Env.Main.ApiKey);
        var versionsBefore = refused["versions"]!.AsArray().Count;

        // (b) The fix is activated: the page shows it active, and the API answers exactly that text.
        await editor.FillAsync(Fixed);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Validate and activate" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("done=", StringComparison.Ordinal));
        var active = await Env.OkAsync(HttpMethod.Get, "/api/v2/policies", Env.Main.ApiKey);
        var version = active["version"]!.GetValue<long>();
        Assert.That(active["policies"]!.GetValue<string>(), Is.EqualTo(Fixed));
        Assert.That(version, Is.EqualTo(versionsBefore + 1), "the refused text made no version");
        Assert.That(await Page.Locator("[role=status]").InnerTextAsync(), Does.Contain($"Version {version} is active").And.Contain("no-deactivation"));
        var shown = await Page.GetByTestId("active-version").InnerTextAsync();
        Assert.That(shown, Does.Contain(version.ToString()).And.Contain(active["sha256"]!.GetValue<string>()).And.Contain("no-deactivation"));
        Assert.That(await Page.Locator("tbody tr").First.InnerTextAsync(), Does.StartWith(version.ToString()).And.Contain("active"));
        Assert.That(await editor.InputValueAsync(), Is.EqualTo(Fixed));
        Assert.That(await Page.Locator("ol.policy-lines").CountAsync(), Is.Zero);
        await AssertAccessibleAsync();
        await ScreenshotAsync("policies");

        // (c) Dry runs: the forbidden operation is denied by the policy, with its reason; another is allowed.
        await Page.GetByLabel("Integration").SelectOptionAsync(Env.Main.IntegrationId);
        await Page.GetByLabel("Operation").SelectOptionAsync("deactivate_user");
        await Page.GetByLabel("Arguments (JSON object, as an agent sends them)").FillAsync("{\"user_id\": \"00u1\"}");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).ClickAsync();
        Assert.That(await Page.GetByTestId("decision").InnerTextAsync(), Is.EqualTo("deny"));
        Assert.That(await Page.GetByTestId("determining-policies").InnerTextAsync(), Is.EqualTo("no-deactivation"));
        Assert.That(await Page.GetByTestId("reasons").InnerTextAsync(), Does.Contain("Users are deactivated in Okta only"));
        Assert.That(await Page.GetByTestId("facts").InnerTextAsync(), Does.Contain("QuantaProxy::Action::\\\"deactivate_user\\\"").And.Contain("\"user_id\": \"00u1\""));
        Assert.That(await Page.GetByLabel("Operation").InputValueAsync(), Is.EqualTo("deactivate_user"), "the dry run's inputs are shown again");
        Assert.That(await Page.Locator("[role=status]").CountAsync(), Is.Zero, "the activation message is not repeated after a dry run");
        await AssertAccessibleAsync();
        await ScreenshotAsync("policy-dry-run");

        await Page.GetByLabel("Operation").SelectOptionAsync("list_users");
        await Page.GetByLabel("Arguments (JSON object, as an agent sends them)").FillAsync("{}");
        await Page.GetByLabel("Okta user id").FillAsync("00uperson0000000001");
        await Page.GetByLabel("Login").FillAsync("person@example.com");
        await Page.GetByLabel("Group ids (comma-separated)").First.FillAsync("00ggroupa, 00ggroupb");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).ClickAsync();
        Assert.That(await Page.GetByTestId("decision").InnerTextAsync(), Is.EqualTo("allow"));
        Assert.That(await Page.GetByTestId("determining-policies").InnerTextAsync(), Is.EqualTo("everything-else"));
        Assert.That(await Page.GetByTestId("facts").InnerTextAsync(), Does.Contain("00uperson0000000001").And.Contain("person@example.com").And.Contain("00ggroupb"),
            "the person is in the facts the policies saw");

        // Arguments that are not JSON are refused at the field, and nothing reaches the API.
        var evaluations = await EvaluationCountAsync();
        await Page.GetByLabel("Arguments (JSON object, as an agent sends them)").FillAsync("{\"user_id\": ");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Dry run" }).ClickAsync();
        Assert.That(await Page.Locator("#dry-args-error").InnerTextAsync(), Does.Contain("not valid JSON").And.Contain("Nothing was sent"));
        Assert.That(await Page.GetByLabel("Arguments (JSON object, as an agent sends them)").GetAttributeAsync("aria-invalid"), Is.EqualTo("true"));
        Assert.That(await Page.GetByTestId("decision").CountAsync(), Is.Zero);
        Assert.That(await EvaluationCountAsync(), Is.EqualTo(evaluations));
        await AssertAccessibleAsync();
    }

    [Test]
    public async Task An_auditor_gets_neither_the_editor_nor_the_dry_run()
    {
        await SignInWithOktaAsync(Env.AuditorLogin);
        Assert.That(await Nav.GetByRole(AriaRole.Link, new() { Name = "Audit", Exact = true }).CountAsync(), Is.EqualTo(1));
        Assert.That(await Nav.GetByRole(AriaRole.Link, new() { Name = "Policies", Exact = true }).CountAsync(), Is.Zero, "no nav entry for a role the API refuses");
        await Page.GotoAsync("/console/policies");
        Assert.That(await Page.Locator("[role=alert]").InnerTextAsync(), Does.Contain("admin"));
        Assert.That(await Page.Locator("textarea").CountAsync(), Is.Zero);
        Assert.That(await Page.Locator("main form").CountAsync(), Is.Zero);
        await AssertAccessibleAsync();
    }

    private static async Task<int> EvaluationCountAsync()
    {
        var events = await Env.OkAsync(HttpMethod.Get, "/api/v2/audit/events?type=policy.evaluate&limit=1000", Env.Main.ApiKey);
        return events["events"]!.AsArray().Count;
    }
}
