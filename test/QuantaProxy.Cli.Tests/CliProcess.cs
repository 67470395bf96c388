using System.Diagnostics;

namespace QuantaProxy.Cli.Tests;

/// <summary>Runs the built <c>quantaproxy</c> as a separate process, exactly as scripts and users do.</summary>
public static class CliProcess
{
    public static string CliDll => Path.Combine(TestContext.CurrentContext.TestDirectory, "quantaproxy.dll");

    public static async Task<(int ExitCode, byte[] Stdout, string Stderr)> RunAsync(byte[]? stdin, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdoutTask = Task.Run(async () =>
        {
            using var buffer = new MemoryStream();
            await process.StandardOutput.BaseStream.CopyToAsync(buffer);
            return buffer.ToArray();
        });
        var stderrTask = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdoutTask, await stderrTask);
    }
}
