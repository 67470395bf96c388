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
    }
}
