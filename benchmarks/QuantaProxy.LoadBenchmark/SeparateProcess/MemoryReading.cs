using System.Text.Json.Nodes;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>
/// The gateway's memory at one moment, split so a growing RSS can be blamed: anonymous pages (GC heap, native
/// allocations such as SQLite's page caches, stacks) against file-backed ones, and within the anonymous part what the GC
/// has committed and what its heap held at the last collection (<c>GET /__benchmark/memory</c>).
/// </summary>
internal sealed record MemoryReading(double Seconds, double RssMb, double AnonMb, double FileMb, double GcHeapMb, double GcCommittedMb, long Gen2Collections, long Threads)
{
    /// <summary>Anonymous memory the GC has not committed: native allocations, stacks, the runtime's own.</summary>
    public double NonGcAnonMb => AnonMb - GcCommittedMb;

    public static async Task<MemoryReading> ReadAsync(HttpClient http, Uri gateway, int pid, double seconds, CancellationToken ct)
    {
        var gc = JsonNode.Parse(await http.GetStringAsync(new Uri(gateway, "/__benchmark/memory"), ct))!.AsObject();
        var (rssKb, _) = ProcFs.Memory(pid);
        var (anonKb, fileKb) = ProcFs.RssParts(pid);
        static double Mb(long bytes) => bytes / 1048576.0;
        return new MemoryReading(seconds, rssKb / 1024.0, anonKb / 1024.0, fileKb / 1024.0,
            Mb(gc["gc_heap_bytes"]!.GetValue<long>()), Mb(gc["gc_committed_bytes"]!.GetValue<long>()), gc["gc_gen2_collections"]!.GetValue<long>(), ProcFs.Threads(pid));
    }
}
