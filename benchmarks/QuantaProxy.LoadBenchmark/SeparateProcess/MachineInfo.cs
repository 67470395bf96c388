using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>The machine the numbers were measured on, read from /proc and the runtime.</summary>
internal sealed record MachineInfo(
    string Cpu, int LogicalCpus, double MemoryGiB, string Os, string Kernel, string DotNet, string LoadAverageAtStart, string LoadAverageAtEnd,
    string DataDirFileSystem, string GatewayGc)
{
    public static MachineInfo Read(string dataDir, string gatewayDll) => new(
        Cpu: File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown",
        LogicalCpus: Environment.ProcessorCount,
        MemoryGiB: Math.Round(MemTotalKb() / 1024.0 / 1024.0, 1),
        Os: File.Exists("/etc/os-release") ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "Linux" : RuntimeInformation.OSDescription,
        Kernel: File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "",
        DotNet: RuntimeInformation.FrameworkDescription,
        LoadAverageAtStart: LoadAverage(),
        LoadAverageAtEnd: "",
        DataDirFileSystem: FileSystemOf(dataDir),
        GatewayGc: GcMode(gatewayDll));

    /// <summary><c>/proc/loadavg</c>'s 1, 5 and 15 minute averages.</summary>
    public static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static long MemTotalKb() =>
        long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    /// <summary>The file system holding the SQLite store: its fsync cost is in every audited call.</summary>
    private static string FileSystemOf(string path)
    {
        var full = Path.GetFullPath(path);
        var best = ("", "");
        foreach (var line in File.ReadLines("/proc/mounts"))
        {
            var parts = line.Split(' ');
            if (parts.Length < 3) continue;
            var mount = parts[1];
            if ((full == mount || full.StartsWith(mount.TrimEnd('/') + "/", StringComparison.Ordinal)) && mount.Length >= best.Item1.Length) best = (mount, $"{parts[2]} ({parts[0]} on {mount})");
        }
        return best.Item2;
    }

    private static string GcMode(string gatewayDll)
    {
        var config = Path.ChangeExtension(gatewayDll, ".runtimeconfig.json");
        if (!File.Exists(config)) return "unknown";
        var server = JsonNode.Parse(File.ReadAllText(config))?["runtimeOptions"]?["configProperties"]?["System.GC.Server"]?.GetValue<bool>() ?? false;
        return server ? "Server GC (the Web SDK's default)" : "Workstation GC";
    }
}
