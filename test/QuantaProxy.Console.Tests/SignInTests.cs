using Microsoft.Playwright;

namespace QuantaProxy.Console.Tests;

public sealed class SignInTests : ConsolePageTest
{
    [Test]
    public async Task Signs_in_through_Okta_with_code_and_PKCE_and_shows_who_and_the_role()
    {
        var callbacks = new List<string>();
        Page.Request += (_, r) => { if (r.Url.Contains("/v1/authorize", StringComparison.Ordinal)) callbacks.Add(r.Url); };
        await SignInWithOktaAsync();
        Assert.That(new Uri(Page.Url).AbsolutePath, Is.EqualTo("/console"));
        var authorize = callbacks.Single();
        Assert.That(authorize, Does.Contain("code_challenge_method=S256").And.Contain("response_type=code").And.Contain("client_id=" + ConsoleEnvironment.ClientId));
        var text = await Page.Locator("main").InnerTextAsync();
        Assert.That(text, Does.Contain(Env.AdminLogin).And.Contain("Tenant admin").And.Contain(Env.Main.Id).And.Contain($"console:{Env.Issuer}|"));
        var session = (await Context.CookiesAsync()).Single(c => c.Name == "qp_console");
        Assert.Multiple(() =>
        {
            Assert.That(session.Secure, Is.True);
            Assert.That(session.HttpOnly, Is.True);
            Assert.That(session.SameSite, Is.EqualTo(SameSiteAttribute.Strict));
            Assert.That(session.Path, Is.EqualTo("/console"));
        });
        await AssertAccessibleAsync();
        await ScreenshotAsync("overview");
    }

    [Test]
    public async Task A_person_in_no_mapped_group_is_refused()
    {
        await SignInWithOktaAsync(Env.NoRoleLogin);
        Assert.That(new Uri(Page.Url).AbsolutePath, Is.EqualTo("/console/signin"));
        Assert.That(await Page.Locator("[role=alert]").InnerTextAsync(), Does.Contain("failed").Or.Contain("role"));
        Assert.That((await Context.CookiesAsync()).Any(c => c.Name == "qp_console"), Is.False);
    }

    [Test]
    public async Task The_bootstrap_admin_key_signs_in_for_a_fresh_install()
    {
        await Page.GotoAsync($"/console/signin?tenant_id={Env.Main.Id}");
        await AssertAccessibleAsync();
        await ScreenshotAsync("signin");
        await Page.GetByLabel("Admin key").FillAsync(Env.AdminKey);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in with the admin key" }).ClickAsync();
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/console");
        Assert.That(await Page.Locator("main").InnerTextAsync(), Does.Contain("console:admin-key|key_").And.Contain("Tenant admin"));
        await SettleAsync();
        Assert.That(ResponseBodies.Any(b => b.Contains(Env.AdminKey, StringComparison.Ordinal)), Is.False, "the admin key came back in a response");
    }

    [Test]
    public async Task The_console_cookie_does_not_open_the_API_and_pages_need_a_session()
    {
        await SignInWithOktaAsync();
        var api = await Context.APIRequest.GetAsync("/api/v2/integrations");
        Assert.That(api.Status, Is.EqualTo(401), "a console session must not authenticate API calls");
        await using var fresh = await Env.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Env.Gateway.ToString() });
        var page = await fresh.NewPageAsync();
        await page.GotoAsync("/console/integrations");
        Assert.That(new Uri(page.Url).AbsolutePath, Is.EqualTo("/console/signin"));
    }

    [Test]
    public async Task Pages_carry_a_strict_content_security_policy_and_no_inline_script_or_style()
    {
        await SignInWithOktaAsync();
        var response = await Page.GotoAsync("/console/integrations");
        var csp = response!.Headers["content-security-policy"];
        Assert.That(csp, Does.Contain("default-src 'none'").And.Contain("frame-ancestors 'none'").And.Not.Contain("unsafe-inline"));
        Assert.That(await Page.Locator("script").CountAsync(), Is.Zero);
        Assert.That(await Page.Locator("[style]").CountAsync(), Is.Zero);
        Assert.That(await Page.Locator("style").CountAsync(), Is.Zero);
    }
}
