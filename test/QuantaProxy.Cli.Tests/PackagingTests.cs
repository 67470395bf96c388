using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace QuantaProxy.Cli.Tests;

/// <summary>
/// What users install: the client library as a NuGet package with its README and XML docs, <c>quantaproxy</c> as a .NET
/// tool, and the gateway as a self-contained binary. Built here with the real SDK, into a throwaway folder, in Release.
/// </summary>
[NonParallelizable]
public sealed class PackagingTests
{
    private static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "QuantaProxy.sln"))) return dir.FullName;
            throw new InvalidOperationException("QuantaProxy.sln not found above the test folder.");
        }
    }

    private string _out = null!;

    [SetUp]
    public void CreateOutput() => _out = Directory.CreateTempSubdirectory("qp-pack-").FullName;

    [TearDown]
    public void DeleteOutput() => Directory.Delete(_out, recursive: true);

    private static async Task DotnetAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoRoot };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        Assert.That(process.ExitCode, Is.EqualTo(0), $"dotnet {string.Join(' ', args)}\n{await stdout}\n{await stderr}");
    }

    private static HashSet<string> Entries(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        return zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
    }

    private static XDocument Nuspec(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        using var stream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    [Test]
    public async Task The_client_library_packs_with_its_README_and_XML_docs()
    {
        await DotnetAsync("pack", "src/QuantaProxy.Client", "-c", "Release", "-o", _out, "--artifacts-path", Path.Combine(_out, "artifacts"));
        var nupkg = Directory.GetFiles(_out, "QuantaProxy.Client.*.nupkg").Single();
        var entries = Entries(nupkg);
        Assert.That(entries, Does.Contain("README.md"));
        Assert.That(entries, Does.Contain("lib/net10.0/QuantaProxy.Client.dll"));
        Assert.That(entries, Does.Contain("lib/net10.0/QuantaProxy.Client.xml"), "XML docs ship with the package");
        var ns = Nuspec(nupkg).Root!.Name.Namespace;
        var metadata = Nuspec(nupkg).Root!.Element(ns + "metadata")!;
        Assert.That(metadata.Element(ns + "readme")?.Value, Is.EqualTo("README.md"));
        Assert.That(metadata.Element(ns + "license")?.Value, Is.EqualTo("Apache-2.0"));
        Assert.That(metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value), Does.Contain("QuantaProxy.Crypto"));
    }

    [Test]
    public async Task The_cli_packs_as_a_dotnet_tool_named_quantaproxy()
    {
        await DotnetAsync("pack", "src/QuantaProxy.Cli", "-c", "Release", "-o", _out, "--artifacts-path", Path.Combine(_out, "artifacts"));
        var nupkg = Directory.GetFiles(_out, "QuantaProxy.Cli.*.nupkg").Single();
        var entries = Entries(nupkg);
        Assert.That(entries, Does.Contain("README.md"));
        var settings = entries.Single(e => e.EndsWith("/DotnetToolSettings.xml", StringComparison.Ordinal));
        using var zip = ZipFile.OpenRead(nupkg);
        using var stream = zip.GetEntry(settings)!.Open();
        var command = XDocument.Load(stream).Descendants("Command").Single();
        Assert.That(command.Attribute("Name")!.Value, Is.EqualTo("quantaproxy"));
        Assert.That(entries, Does.Contain(settings.Replace("DotnetToolSettings.xml", "quantaproxy.dll", StringComparison.Ordinal)));
        var ns = Nuspec(nupkg).Root!.Name.Namespace;
        Assert.That(Nuspec(nupkg).Root!.Element(ns + "metadata")!.Element(ns + "packageTypes")!.Elements().Select(e => e.Attribute("name")!.Value), Does.Contain("DotnetTool"));
    }

    [Test]
    public async Task The_gateway_publishes_as_a_self_contained_binary_that_runs()
    {
        var publish = Path.Combine(_out, "gateway");
        // --artifacts-path keeps these Release builds apart from the Debug outputs other tests run from.
        await DotnetAsync("publish", "src/QuantaProxy.Gateway", "-c", "Release", "-r", "linux-x64", "--self-contained", "-o", publish, "--artifacts-path", Path.Combine(_out, "artifacts"));
        var binary = Path.Combine(publish, "QuantaProxy.Gateway");
        Assert.That(File.Exists(binary), Is.True);
        Assert.That(File.Exists(Path.Combine(publish, "libcoreclr.so")), Is.True, "the runtime ships inside: no .NET install needed");
        if (!OperatingSystem.IsWindows()) Assert.That(File.GetUnixFileMode(binary).HasFlag(UnixFileMode.UserExecute), Is.True);

        // It starts on its embedded defaults and answers /healthz, with no dotnet host involved.
        var dataDir = Path.Combine(_out, "data");
        var port = FreePort();
        var start = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["QuantaProxy__DataDir"] = dataDir;
        start.Environment["DOTNET_ROOT"] = "/nonexistent";
        using var process = Process.Start(start)!;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var healthy = false;
            for (var i = 0; i < 150 && !healthy && !process.HasExited; i++)
            {
                try
                {
                    healthy = (await http.GetAsync($"http://127.0.0.1:{port}/healthz")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(200);
                }
            }
            Assert.That(healthy, Is.True, process.HasExited ? await process.StandardError.ReadToEndAsync() : "no answer from /healthz");
            Assert.That(File.Exists(Path.Combine(dataDir, "admin-key")), Is.True);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
