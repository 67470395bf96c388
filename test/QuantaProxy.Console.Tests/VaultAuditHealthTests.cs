using System.IO.Compression;
using System.Text;
using Microsoft.Playwright;
using QuantaProxy.Client.Audit;
using QuantaProxy.Crypto.Envelopes;

namespace QuantaProxy.Console.Tests;

public sealed class VaultAuditHealthTests : ConsolePageTest
{
    [Test]
    public async Task Seals_rotates_and_destroys_a_credential_and_the_secret_never_comes_back()
    {
        var canary = "00canary" + Guid.NewGuid().ToString("N");
        var rotated = "00rotated" + Guid.NewGuid().ToString("N");
        await SignInWithOktaAsync();
        await Page.GotoAsync("/console/vault");
        await AssertAccessibleAsync();
        await Page.GetByLabel("Name").First.FillAsync("okta-staging");
        await Page.GetByLabel("Secret (the API token, or the JSON secret)").FillAsync(canary);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Seal" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("done=", StringComparison.Ordinal));
        Assert.That(await Page.Locator("[role=status]").InnerTextAsync(), Does.Contain("Sealed credential vlt_"));
        var row = Page.Locator("tr", new() { HasText = "okta-staging" });
        Assert.That(await row.InnerTextAsync(), Does.Contain("api_key").And.Contain("active"));
        await ScreenshotAsync("vault");
        var id = (await row.Locator("td").Nth(1).InnerTextAsync()).Trim();

        await Page.GetByLabel("Credential").First.SelectOptionAsync(id);
        await Page.GetByLabel("New secret").FillAsync(rotated);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Rotate" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("Rotated", StringComparison.Ordinal));
        Assert.That(await Page.Locator("tr", new() { HasText = "okta-staging" }).InnerTextAsync(), Does.Contain("\t2\t").Or.Contain(" 2 "));

        await Page.Locator("#destroy-id").SelectOptionAsync(id);
        await Page.GetByLabel("Type the credential's name to confirm", new() { Exact = false }).FillAsync("wrong-name");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Destroy" }).ClickAsync();
        Assert.That(await Page.Locator("[role=alert]").InnerTextAsync(), Does.Contain("nothing was destroyed"));
        await Page.Locator("#destroy-id").SelectOptionAsync(id);
        await Page.GetByLabel("Type the credential's name to confirm", new() { Exact = false }).FillAsync("okta-staging");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Destroy" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("Destroyed", StringComparison.Ordinal));
        Assert.That(await Page.Locator("tr", new() { HasText = "okta-staging" }).InnerTextAsync(), Does.Contain("destroyed"));

        await SettleAsync();
        Assert.That(ResponseBodies, Is.Not.Empty);
        foreach (var secret in new[] { canary, rotated })
        {
            Assert.That(ResponseBodies.Any(b => b.Contains(secret, StringComparison.Ordinal)), Is.False, "a response carried the secret");
            Assert.That(await Page.ContentAsync(), Does.Not.Contain(secret));
        }
    }

    [Test]
    public async Task Shows_events_verifies_the_chain_proves_an_event_and_exports_for_offline_verification()
    {
        await SignInWithOktaAsync();
        await Page.GotoAsync($"/console/audit?integration={Env.Main.IntegrationId}");
        await AssertAccessibleAsync();
        var text = await Page.Locator("main").InnerTextAsync();
        Assert.That(text, Does.Contain("integration.create"));
        await Page.GotoAsync("/console/audit?outcome=signed_in");
        Assert.That(await Page.Locator("main").InnerTextAsync(), Does.Contain("console.signin").And.Contain($"console:{Env.Issuer}|"));
        await ScreenshotAsync("audit");

        await Page.Locator("tbody tr a").First.ClickAsync();
        await AssertAccessibleAsync();
        Assert.That(await Page.GetByTestId("proof-root").InnerTextAsync(), Has.Length.EqualTo(64));

        await Page.GotoAsync("/console/audit/verify");
        await AssertAccessibleAsync();
        Assert.That(await Page.GetByTestId("verdict").InnerTextAsync(), Is.EqualTo("Chain valid"));
        Assert.That(long.Parse(await Page.GetByTestId("events-checked").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(3));
        Assert.That(await Page.GetByTestId("checkpoint").InnerTextAsync(), Does.Contain("quantaproxy.local/audit/" + Env.Main.Id));
        await ScreenshotAsync("audit-verify");

        await Page.GotoAsync("/console/audit");
        var download = await Page.RunAndWaitForDownloadAsync(() => Page.GetByRole(AriaRole.Link, new() { Name = "Download export (zip)" }).ClickAsync());
        var zip = Path.Combine(Path.GetTempPath(), "qp-console-export-" + Guid.NewGuid().ToString("N") + ".zip");
        await download.SaveAsAsync(zip);
        var folder = zip[..^4];
        ZipFile.ExtractToDirectory(zip, folder);
        using var bundle = TenantKeyBundle.Parse(Encoding.UTF8.GetBytes(await Env.BundleJsonAsync(Env.Main)));
        var verification = new OfflineAuditVerifier(bundle).Verify(folder, []);
        Assert.That(verification.Valid, Is.True, string.Join("; ", verification.Problems));
        Assert.That(verification.EventsChecked, Is.GreaterThan(3));
        Assert.That(verification.CheckpointsChecked, Is.GreaterThan(0));
        Directory.Delete(folder, true);
        File.Delete(zip);
    }

    [Test]
    public async Task Shows_readiness_and_the_rate_limit_headroom_last_seen_per_integration()
    {
        await Env.OkAsync(HttpMethod.Post, "/api/v2/proxy/outbound", Env.Main.ApiKey,
            new { integration_id = Env.Main.IntegrationId, operation = "list_users", payload = new { limit = 1 } });
        await SignInWithOktaAsync();
        await Page.GotoAsync("/console/health");
        await AssertAccessibleAsync();
        var text = await Page.Locator("main").InnerTextAsync();
        Assert.That(text, Does.Contain("ready").And.Contain("Storage"));
        Assert.That(await Page.Locator("dd").Nth(1).InnerTextAsync(), Is.EqualTo("ok"));
        Assert.That(await Page.Locator("dd").Nth(2).InnerTextAsync(), Is.EqualTo("ok"));
        var row = Page.Locator("tr", new() { HasText = Env.Main.IntegrationId });
        Assert.That(long.TryParse((await row.Locator("td").Nth(2).InnerTextAsync()).Trim(), out var remaining), Is.True);
        Assert.That(remaining, Is.GreaterThan(0));
        Assert.That(text, Does.Not.Contain(Env.Other.IntegrationId));
        await ScreenshotAsync("health");
    }
}
