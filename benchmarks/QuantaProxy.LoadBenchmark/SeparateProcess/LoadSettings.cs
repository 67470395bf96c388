namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>How the separate-process load benchmark runs (command-line options of <c>load</c>).</summary>
internal sealed record LoadSettings(
    string RepoRoot, string OutDir, int[] Clients, TimeSpan Cell, TimeSpan Warmup, TimeSpan Soak, Uri? KmsUrl, int SeedUsers, string Command)
{
    /// <summary>Each target's share of one warm-up round (rounds repeat until the gateway's JIT is done).</summary>
    public TimeSpan GlobalWarmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where the throwaway work folder (gateway data folder, logs) goes; the system temp folder when null.</summary>
    public string? WorkParent { get; init; }

    /// <summary>Seconds the Release build took before the harness started (from the script), for the report.</summary>
    public double? BuildSeconds { get; init; }

    /// <summary>After each full-proxy cell, this long a window of the same load profiled with <c>perf</c> (zero: no profile).</summary>
    public TimeSpan PerfWindow { get; init; }

    /// <summary>
    /// A tenant policy set of this many policies, active during the load (zero: none, the policy stage is skipped). One of
    /// them permits reads, the rest are the policy-stage benchmark's set, so every call is evaluated against all of them.
    /// </summary>
    public int Policies { get; init; }

    /// <summary>Keep the work folder (logs and data) for a look afterwards.</summary>
    public bool KeepWork { get; init; }

    public string CliDll => Path.Combine(RepoRoot, "src", "QuantaProxy.Cli", "bin", "Release", "net10.0", "quantaproxy.dll");

    public string GatewayDll => Path.Combine(RepoRoot, "src", "QuantaProxy.Gateway", "bin", "Release", "net10.0", "QuantaProxy.Gateway.dll");

    /// <summary>The folder holding QuantaProxy.sln, searched upwards from <paramref name="start"/>.</summary>
    public static string FindRepoRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "QuantaProxy.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"QuantaProxy.sln not found above {start}; pass --repo-root.");
    }
}
