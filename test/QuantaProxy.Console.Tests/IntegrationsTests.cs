using Microsoft.Playwright;

namespace QuantaProxy.Console.Tests;

public sealed class IntegrationsTests : ConsolePageTest
{
    [Test]
    public async Task Creates_an_integration_with_operations_from_the_catalog_and_derived_scopes()
    {
        await SignInWithOktaAsync();
        await Page.GotoAsync("/console/integrations");
        Assert.That(await Page.Locator("main").InnerTextAsync(), Does.Contain("acme-directory"));
        await AssertAccessibleAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "New integration" }).ClickAsync();
        await AssertAccessibleAsync();
        await Page.GetByLabel("Name").FillAsync("hr-sync");
        await Page.GetByLabel("Okta org URL").FillAsync(Env.Sandbox.BaseAddress.ToString().TrimEnd('/'));
        await Page.GetByLabel("Sealed credential").SelectOptionAsync(Env.Main.CredentialId);
        await Page.Locator("input[name=operation][value=list_users]").CheckAsync();
        await Page.Locator("input[name=operation][value=list_groups]").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create integration" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("saved=int_", StringComparison.Ordinal));
        var row = Page.Locator("tr", new() { HasText = "hr-sync" });
        Assert.That(await row.InnerTextAsync(), Does.Contain("list_groups, list_users").And.Contain("okta.groups.read okta.users.read"));
        await ScreenshotAsync("integrations");

        await row.GetByRole(AriaRole.Link, new() { Name = "hr-sync" }).ClickAsync();
        Assert.That(await Page.GetByTestId("derived-scopes").InnerTextAsync(), Is.EqualTo("okta.groups.read okta.users.read"));
        Assert.That(await Page.Locator("input[name=operation][value=list_groups]").IsCheckedAsync(), Is.True);
        await Page.Locator("input[name=operation][value=get_user]").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save integration" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("saved=int_", StringComparison.Ordinal));
        Assert.That(await Page.Locator("tr", new() { HasText = "hr-sync" }).InnerTextAsync(), Does.Contain("get_user"));
    }

    [Test]
    public async Task An_auditor_cannot_create_an_integration_through_a_console_form()
    {
        // The console runs API endpoints in-process: the endpoint's scope policy must be checked against the person's role.
        await SignInWithOktaAsync(Env.AuditorLogin);
        Assert.That(await Page.Locator("main").InnerTextAsync(), Does.Contain("Auditor"));
        await Page.GotoAsync("/console/integrations/new");
        await Page.GetByLabel("Name").FillAsync("auditor-made");
        await Page.GetByLabel("Okta org URL").FillAsync(Env.Sandbox.BaseAddress.ToString().TrimEnd('/'));
        // An auditor may not list the vault, so the page offers no credential: the person crafts the form as an attacker would.
        await Page.GetByLabel("Sealed credential").EvaluateAsync("(s, id) => { const o = document.createElement('option'); o.value = id; o.text = id; s.add(o); s.value = id; }", Env.Main.CredentialId);
        await Page.Locator("input[name=operation][value=list_users]").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create integration" }).ClickAsync();
        Assert.That(await Page.Locator("[role=alert]").InnerTextAsync(), Does.Contain("integrations:write"));
        var list = await Env.OkAsync(HttpMethod.Get, "/api/v2/integrations", Env.Main.ApiKey);
        Assert.That(list.ToJsonString(), Does.Not.Contain("auditor-made"));
        var refusals = await Env.OkAsync(HttpMethod.Get, "/api/v2/audit/events?limit=1000", Env.Main.ApiKey);
        Assert.That(refusals.ToJsonString(), Does.Contain("insufficient_scope"), "the refusal is recorded in the tenant's chain");
    }

    [Test]
    public async Task Another_tenants_integration_is_not_found()
    {
        await SignInWithOktaAsync();
        await Page.GotoAsync($"/console/integrations/{Env.Other.IntegrationId}");
        var text = await Page.Locator("main").InnerTextAsync();
        Assert.That(text, Does.Contain("No such integration").And.Not.Contain("globex"));
        await Page.GotoAsync("/console/integrations");
        Assert.That(await Page.Locator("main").InnerTextAsync(), Does.Not.Contain(Env.Other.IntegrationId));
    }
}
