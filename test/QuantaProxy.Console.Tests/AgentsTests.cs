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
}
