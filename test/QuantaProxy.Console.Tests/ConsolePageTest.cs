using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace QuantaProxy.Console.Tests;

/// <summary>Each test gets a fresh browser context (no cookies) on the fixture's one browser, and records every response body it sees.</summary>
public abstract class ConsolePageTest
{
    protected static ConsoleEnvironment Env => ConsoleSetUp.Env;
    protected IBrowserContext Context { get; private set; } = null!;
    protected IPage Page { get; private set; } = null!;
    protected List<string> ResponseBodies { get; } = [];
    private readonly List<Task> _pending = [];
    private readonly List<string> _statuses = [];
    private readonly Dictionary<IRequest, string> _unfinished = [];

    [SetUp]
    public async Task OpenAsync()
    {
        Context = await Env.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Env.Gateway.ToString(), AcceptDownloads = true });
        // dotnet test runs the solution's test projects side by side on two cores: a first sign-in (JIT, OIDC metadata) can
        // take far longer than Playwright's 30 s default there, though it takes about a second on an idle machine.
        Context.SetDefaultTimeout(90_000);
        Context.SetDefaultNavigationTimeout(90_000);
        Page = await Context.NewPageAsync();
        // NUnit reuses one fixture instance for the class's tests: the failure report is about this test's page only.
        lock (_statuses) _statuses.Clear();
        lock (_unfinished) _unfinished.Clear();
        Page.Response += (_, response) =>
        {
            lock (_statuses) _statuses.Add($"{response.Status} {response.Request.Method} {new Uri(response.Url).AbsolutePath}");
            _pending.Add(Capture(response));
        };
        // What never finished is what holds a page's load event: kept for the failure report.
        Page.Request += (_, request) => { lock (_unfinished) _unfinished[request] = $"{request.Method} {new Uri(request.Url).AbsolutePath}"; };
        Page.RequestFinished += (_, request) => { lock (_unfinished) _unfinished.Remove(request); };
        Page.RequestFailed += (_, request) =>
        {
            lock (_unfinished) _unfinished.Remove(request);
            lock (_statuses) _statuses.Add($"failed {request.Method} {new Uri(request.Url).AbsolutePath}: {request.Failure}");
        };
    }

    private async Task Capture(IResponse response)
    {
        try
        {
            if (response.Request.ResourceType is "document" or "fetch" or "xhr" && response.Status is < 300 or >= 400)
            {
                var body = await response.TextAsync();
                lock (ResponseBodies) ResponseBodies.Add(body);
            }
        }
        catch (PlaywrightException)
        {
            // Downloads and navigations away have no body to read.
        }
    }

    protected async Task SettleAsync() => await Task.WhenAll(_pending.ToArray());

    [TearDown]
    public async Task CloseAsync()
    {
        // A browser journey that fails by waiting tells nothing of what the page showed: say it, bounded, in the test output.
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            try
            {
                var shown = await Page.Locator("body").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 5_000 });
                await TestContext.Out.WriteLineAsync($"page at failure: {Page.Url}\n{(shown.Length > 2000 ? shown[..2000] : shown)}");
                lock (_statuses) TestContext.Out.WriteLine("responses: " + string.Join(", ", _statuses.TakeLast(20)));
                lock (_unfinished) TestContext.Out.WriteLine("unfinished requests: " + string.Join(", ", _unfinished.Values));
            }
            catch (PlaywrightException e)
            {
                await TestContext.Out.WriteLineAsync($"page at failure: {Page.Url} (unreadable: {e.Message})");
            }
        }
        await SettleAsync();
        await Context.CloseAsync();
    }

    /// <summary>Signs in through the sandbox's authorization server (authorization code + PKCE) as <paramref name="login"/>.</summary>
    protected async Task SignInWithOktaAsync(string? login = null, ConsoleEnvironment.Tenant? tenant = null)
    {
        tenant ??= Env.Main;
        await Page.GotoAsync($"/console/signin?tenant_id={tenant.Id}&login_hint={Uri.EscapeDataString(login ?? Env.AdminLogin)}");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Okta" }).ClickAsync();
        // Where the journey ends: the console's layout, or the sign-in page with its refusal. Waited for as an element, not a
        // URL: the last hop is the landing page's meta refresh, and a URL wait begun around it sometimes waited for a
        // navigation event that never came (in CI and here: the page sat at /console, every response in, for 90 s).
        await Page.Locator("header.top, main [role=alert]").First.WaitForAsync();
    }

    /// <summary>axe-core on the current page: no serious or critical violation.</summary>
    protected async Task AssertAccessibleAsync()
    {
        var result = await Page.RunAxe();
        var bad = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} — {string.Join("; ", v.Nodes.Select(n => n.Html))}").ToList();
        Assert.That(bad, Is.Empty, $"axe on {Page.Url}");
    }

    /// <summary>Screenshots for the README when QP_CONSOLE_SCREENSHOTS names a folder.</summary>
    protected async Task ScreenshotAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("QP_CONSOLE_SCREENSHOTS") is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        await Page.SetViewportSizeAsync(1280, 800);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

}
