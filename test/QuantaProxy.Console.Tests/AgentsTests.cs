using Microsoft.Playwright;

namespace QuantaProxy.Console.Tests;

public sealed class AgentsTests : ConsolePageTest
{
    [Test]
    public async Task Shows_agents_and_delegations_and_revokes_one()
    {
        var issuer = await Env.OkAsync(HttpMethod.Post, "/api/v2/trusted-issuers", Env.Main.ApiKey,
            new { issuer = Env.Issuer, audience = "api://quantaproxy-console-test", token_shape = "agbac", algorithms = new[] { "RS256" } });
        var agent = await Env.OkAsync(HttpMethod.Post, "/api/v2/agents", Env.Main.ApiKey, new
        {
            trusted_issuer_id = issuer["trusted_issuer_id"]!.GetValue<string>(), client_id = "0oaconsoleagent0001", name = "helpdesk assistant",
            integrations = new[] { Env.Main.IntegrationId }, operations = new[] { "list_users", "get_user" },
        });
        var delegation = await Env.OkAsync(HttpMethod.Post, "/api/v2/delegations", Env.Main.ApiKey, new
        {
            agent_id = agent["agent_id"]!.GetValue<string>(), integration_id = Env.Main.IntegrationId, operations = new[] { "list_users" },
            person = Env.AdminLogin, expires_at = DateTimeOffset.UtcNow.AddDays(7).ToString("O"),
        });
        var id = delegation["delegation_id"]!.GetValue<string>();

        await SignInWithOktaAsync();
        await Page.GotoAsync("/console/agents");
        await AssertAccessibleAsync();
        var text = await Page.Locator("main").InnerTextAsync();
        Assert.That(text, Does.Contain("helpdesk assistant").And.Contain("0oaconsoleagent0001").And.Contain(id).And.Contain(Env.AdminLogin));
        await ScreenshotAsync("agents");

        await Page.Locator("#revoke-id").SelectOptionAsync(id);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("done=", StringComparison.Ordinal));
        Assert.That(await Page.Locator("[role=status]").InnerTextAsync(), Does.Contain($"Revoked delegation {id}"));
        Assert.That(await Page.Locator("tr", new() { HasText = id }).InnerTextAsync(), Does.Contain("revoked"));
    }

    [Test]
    public async Task Grants_a_delegation_through_the_form_and_a_bad_one_shows_the_apis_refusal()
    {
        // Its own audience, so this test trusts the issuer independently of the other one.
        var issuer = await Env.OkAsync(HttpMethod.Post, "/api/v2/trusted-issuers", Env.Main.ApiKey,
            new { issuer = Env.Issuer, audience = "api://quantaproxy-console-grant", token_shape = "agbac", algorithms = new[] { "RS256" } });
        var agent = await Env.OkAsync(HttpMethod.Post, "/api/v2/agents", Env.Main.ApiKey, new
        {
            trusted_issuer_id = issuer["trusted_issuer_id"]!.GetValue<string>(), client_id = "0oaconsolegrant0001", name = "onboarding assistant",
            integrations = new[] { Env.Main.IntegrationId }, operations = new[] { "list_users", "get_user" },
        });
        var agentId = agent["agent_id"]!.GetValue<string>();

        await SignInWithOktaAsync();
        await Page.GotoAsync("/console/agents");
        await Page.Locator("#grant-agent").SelectOptionAsync(agentId);
        await Page.Locator("#grant-integration").SelectOptionAsync(Env.Main.IntegrationId);
        await Page.Locator("input[name=operation][value=get_user]").CheckAsync();
        await Page.Locator("#grant-person").FillAsync(Env.AdminLogin);
        await Page.Locator("#grant-expires").FillAsync(DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await Page.Locator("#grant-calls").FillAsync("40");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Grant" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("done=", StringComparison.Ordinal));
        var status = await Page.Locator("[role=status]").InnerTextAsync();
        Assert.That(status, Does.Contain("Granted delegation dlg_").And.Contain(agentId).And.Contain(Env.AdminLogin));
        await AssertAccessibleAsync();

        // The API holds exactly what the form said, for the person the sandbox knows by that login.
        var list = await Env.OkAsync(HttpMethod.Get, "/api/v2/delegations", Env.Main.ApiKey);
        var granted = list["delegations"]!.AsArray().Single(d => d!["agent_id"]!.GetValue<string>() == agentId)!;
        Assert.That(granted["operations"]!.AsArray().Select(o => o!.GetValue<string>()), Is.EqualTo(new[] { "get_user" }));
        Assert.That(granted["subject_login"]!.GetValue<string>(), Is.EqualTo(Env.AdminLogin));
        Assert.That(granted["calls_per_day"]!.GetValue<long>(), Is.EqualTo(40));
        Assert.That(granted["status"]!.GetValue<string>(), Is.EqualTo("active"));

        // A grant naming no operation is the API's refusal on the page, and nothing is granted.
        await Page.GotoAsync("/console/agents");
        await Page.Locator("#grant-agent").SelectOptionAsync(agentId);
        var before = (await Env.OkAsync(HttpMethod.Get, "/api/v2/delegations", Env.Main.ApiKey))["delegations"]!.AsArray().Count;
        await Page.Locator("#grant-person").FillAsync(Env.AdminLogin);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Grant" }).ClickAsync();
        Assert.That(await Page.Locator("[role=alert]").InnerTextAsync(), Does.Contain("operations must name at least one operation"));
        var after = (await Env.OkAsync(HttpMethod.Get, "/api/v2/delegations", Env.Main.ApiKey))["delegations"]!.AsArray().Count;
        Assert.That(after, Is.EqualTo(before));
    }
}
