using System.Diagnostics;

namespace QuantaProxy.Cli.Tests;

/// <summary>The README's first command: it must run the whole journey and exit 0.</summary>
public sealed class QuickstartTests
{
    [Test]
    public async Task Quickstart_runs_end_to_end_and_exits_0()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(null, "quickstart");
        var text = System.Text.Encoding.UTF8.GetString(stdout);
        Assert.That(code, Is.Zero, text + stderr);
        Assert.That(text, Does.Contain("quickstart: all checks held"));
        Assert.That(text, Does.Contain("refused:"));
        Assert.That(text, Does.Contain("Alice is deactivated in Okta").And.Contain("okta.revocation"), "the agent act ran");
        Assert.That(text, Does.Contain("403 policy_denied").And.Contain("the caller fetched the envelope from the approval"), "the policy act ran");
    }

    [Test]
    public async Task With_keep_running_the_console_stays_up_at_the_printed_address()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliProcess.CliDll);
        start.ArgumentList.Add("quickstart");
        start.ArgumentList.Add("--keep-running");
        using var process = Process.Start(start)!;
        try
        {
            string? consoleUrl = null;
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (consoleUrl is null && await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
                if (line.StartsWith("console: ", StringComparison.Ordinal)) consoleUrl = line["console: ".Length..].Trim();
            Assert.That(consoleUrl, Is.Not.Null, "the console's address was printed");
            using var http = new HttpClient();
            using var page = await http.GetAsync(consoleUrl);
            Assert.That((int)page.StatusCode, Is.EqualTo(200));
            Assert.That(await page.Content.ReadAsStringAsync(), Does.Contain("Admin key"));
            Assert.That(process.HasExited, Is.False, "the gateway keeps running until stopped");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
