using System.Net.Http.Json;
using Microsoft.Playwright;

namespace QuantaProxy.Console.Tests;

/// <summary>
/// The Audit page filters through the API (not in the page): by operation and by outcome, newest first, with a next-page link
/// that keeps the filters; a value the API refuses is shown as its problem.
/// </summary>
public sealed class AuditFiltersTests : ConsolePageTest
{
    /// <summary>A proxy call as the tenant's API key; the answer's status (a refusal is an event too).</summary>
    private static async Task<int> ProxyAsync(ConsoleEnvironment.Tenant tenant, string operation, object payload)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/proxy/outbound");
        request.Headers.Add("X-API-Key", tenant.ApiKey);
        request.Content = JsonContent.Create(new { integration_id = tenant.IntegrationId, operation, payload }, options: ConsoleEnvironment.Json);
        using var response = await Env.Http.SendAsync(request);
        return (int)response.StatusCode;
    }

    /// <summary>The shown rows, each as its cells' text (Seq, When, Type, Actor, On behalf of, Integration, Operation, Outcome).</summary>
    private async Task<List<string[]>> RowsAsync()
    {
        var rows = new List<string[]>();
        foreach (var row in await Page.Locator("tbody tr").AllAsync())
            rows.Add((await row.Locator("td").AllInnerTextsAsync()).Select(t => t.Trim()).ToArray());
        return rows;
    }

    private async Task FilterAsync(string operation = "", string outcome = "")
    {
        await Page.GotoAsync("/console/audit");
        await Page.GetByLabel("Operation").FillAsync(operation);
        await Page.GetByLabel("Outcome").FillAsync(outcome);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("outcome=", StringComparison.Ordinal));
    }

    [Test]
    public async Task Filters_by_operation_and_by_outcome_newest_first()
    {
        Assert.That(await ProxyAsync(Env.Main, "list_users", new { limit = 1 }), Is.EqualTo(200));
        Assert.That(await ProxyAsync(Env.Main, "list_users", new { limit = 1 }), Is.EqualTo(200));
        Assert.That(await ProxyAsync(Env.Main, "get_user", new { user_id = "00unotallowed" }), Is.EqualTo(403));
        Assert.That(await ProxyAsync(Env.Other, "list_users", new { limit = 1 }), Is.EqualTo(200));
        await SignInWithOktaAsync();

        await FilterAsync(operation: "list_users");
        var rows = await RowsAsync();
        Assert.That(rows, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(rows.Select(r => r[6]), Is.All.EqualTo("list_users"));
        Assert.That(rows.Select(r => r[5]), Is.All.EqualTo(Env.Main.IntegrationId), "another tenant's calls are not listed");
        Assert.That(rows.Count(r => r[2] == "proxy.call" && r[7] == "success"), Is.GreaterThanOrEqualTo(2));
        var seqs = rows.Select(r => long.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.That(seqs, Is.Ordered.Descending);
        Assert.That(await Page.GetByRole(AriaRole.Columnheader, new() { Name = "On behalf of" }).CountAsync(), Is.EqualTo(1));

        await FilterAsync(outcome: "operation_not_allowed");
        rows = await RowsAsync();
        Assert.That(rows, Is.Not.Empty);
        Assert.That(rows.Select(r => r[7]), Is.All.EqualTo("operation_not_allowed"));
        Assert.That(rows.Select(r => r[2]), Is.All.EqualTo("proxy.denied"));
        Assert.That(rows.Select(r => r[6]), Does.Contain("get_user"));
        Assert.That(await Page.GetByLabel("Outcome").InputValueAsync(), Is.EqualTo("operation_not_allowed"), "the form shows the filter in use");
        await AssertAccessibleAsync();
        await ScreenshotAsync("audit-filtered");
    }

    [Test]
    public async Task The_next_page_keeps_the_filters_and_continues_below_the_cursor()
    {
        // 101 listings of the integrations are 101 events of the tenant's key with outcome ok: more than one page of 100. (Not
        // reads of one integration: other pages' tests look for that integration's older events on the first page.)
        for (var i = 0; i < 101; i++)
            await Env.OkAsync(HttpMethod.Get, "/api/v2/integrations", Env.Main.ApiKey);
        var keyId = (await Env.OkAsync(HttpMethod.Get, "/api/v2/audit/events?type=integration.read&order=desc&limit=1", Env.Main.ApiKey))["events"]![0]!["actor"]!.GetValue<string>();
        Assert.That(keyId, Does.StartWith("key_"));
        await SignInWithOktaAsync();
        await Page.GotoAsync($"/console/audit?agent={keyId}&outcome=ok");
        var first = await RowsAsync();
        Assert.That(first, Has.Count.EqualTo(100));
        Assert.That(first.Select(r => r[3]), Is.All.EqualTo(keyId));

        var next = Page.GetByRole(AriaRole.Link, new() { Name = "Next page (older)" });
        var href = await next.GetAttributeAsync("href");
        Assert.That(href, Does.Contain($"agent={keyId}").And.Contain("outcome=ok").And.Contain("before=" + first[^1][0]));
        await next.ClickAsync();
        await Page.WaitForURLAsync(url => url.Contains("before=", StringComparison.Ordinal));
        var second = await RowsAsync();
        Assert.That(second, Is.Not.Empty);
        Assert.That(second.Select(r => r[3]), Is.All.EqualTo(keyId));
        Assert.That(second.Select(r => r[7]), Is.All.EqualTo("ok"));
        var lowest = long.Parse(first[^1][0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(second.Select(r => long.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture)), Is.All.LessThan(lowest));
        Assert.That(await Page.GetByRole(AriaRole.Link, new() { Name = "Newest events" }).CountAsync(), Is.EqualTo(1));
        await AssertAccessibleAsync();
    }

    [Test]
    public async Task A_value_the_api_refuses_is_shown_as_its_problem()
    {
        await SignInWithOktaAsync();
        await Page.GotoAsync("/console/audit?operation=list%20users");
        Assert.That(await Page.Locator("[role=alert]").InnerTextAsync(), Does.Contain("operation is an operation name"));
        await Page.GotoAsync("/console/audit?from=yesterday");
        Assert.That(await Page.Locator("[role=alert]").InnerTextAsync(), Does.Contain("from is an ISO-8601 instant"));
        Assert.That(await Page.Locator("tbody tr").CountAsync(), Is.Zero);
        await AssertAccessibleAsync();
    }

    [Test]
    public async Task From_and_to_are_read_as_utc()
    {
        Assert.That(await ProxyAsync(Env.Main, "list_users", new { limit = 1 }), Is.EqualTo(200));
        await SignInWithOktaAsync();
        var now = DateTime.UtcNow;
        string Local(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture);
        await Page.GotoAsync($"/console/audit?operation=list_users&from={Local(now.AddMinutes(-30))}&to={Local(now.AddMinutes(30))}");
        Assert.That(await RowsAsync(), Is.Not.Empty, "a call made now is inside a UTC hour around now");
        await Page.GotoAsync($"/console/audit?operation=list_users&from={Local(now.AddMinutes(30))}");
        Assert.That(await RowsAsync(), Is.Empty, "nothing happened after now");
        Assert.That(await Page.Locator("[role=alert]").CountAsync(), Is.Zero);
    }
}
