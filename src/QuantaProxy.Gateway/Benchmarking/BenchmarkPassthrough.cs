using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Benchmarking;

/// <summary>
/// Benchmark-only baseline: YARP's config-based reverse proxy with no API key, no envelope and no audit, so the load
/// benchmark can tell what the gateway's own work costs against plain forwarding through the same host. It exists only
/// when the section <c>QuantaProxy:BenchmarkPassthrough</c> is present, and then the gateway refuses to start unless it
/// runs in the Development environment with <c>QuantaProxy:BenchmarkPassthrough:Enabled=true</c>, and every route
/// lives under <c>/__benchmark/</c> (so it can never shadow the API). A default deployment has none of it.
/// </summary>
public static class BenchmarkPassthrough
{
    public const string Section = "QuantaProxy:BenchmarkPassthrough";

    /// <summary>Every passthrough route and the counters endpoint live under this prefix, outside <c>/api</c>.</summary>
    public const string PathPrefix = "/__benchmark/";

    public const string CountersPath = "/__benchmark/counters";

    /// <summary>Count and summed duration of each span name (<see cref="BenchmarkSpans"/>).</summary>
    public const string SpansPath = "/__benchmark/spans";

    /// <summary>The managed heap as the GC saw it at its last collection, to split the process's RSS into managed and the rest.</summary>
    public const string MemoryPath = "/__benchmark/memory";

    /// <summary>Registers the reverse proxy and the counters when, and only when, the section is present and allowed.</summary>
    public static void AddBenchmarkPassthrough(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(Section);
        if (!section.GetChildren().Any()) return;
        var problems = Check(section, builder.Environment.IsDevelopment());
        if (problems.Count > 0)
            throw new InvalidOperationException($"{Section} is a benchmark-only baseline and was refused: {string.Join(" ", problems)} Remove the section in any real deployment.");
        builder.Services.AddReverseProxy().LoadFromConfig(section);
        builder.Services.AddSingleton<BenchmarkCounters>();
        builder.Services.AddSingleton<BenchmarkSpans>();
        builder.Services.AddSingleton<Marker>();
    }

    /// <summary>Maps the passthrough routes and <c>GET /__benchmark/counters</c> if <see cref="AddBenchmarkPassthrough"/> enabled them.</summary>
    public static void MapBenchmarkPassthrough(this WebApplication app)
    {
        if (app.Services.GetService<Marker>() is null) return;
        var counters = app.Services.GetRequiredService<BenchmarkCounters>();
        var spans = app.Services.GetRequiredService<BenchmarkSpans>();
        app.Logger.LogWarning("{Section} is enabled: benchmark-only passthrough routes under {Prefix} forward without API key, envelope or audit", Section, PathPrefix);
        app.MapReverseProxy().AllowAnonymous();
        app.MapGet(CountersPath, () => Results.Json(counters.Snapshot(), GatewayJson.Options)).ExcludeFromDescription().AllowAnonymous();
        app.MapGet(SpansPath, () => Results.Json(spans.Snapshot(), GatewayJson.Options)).ExcludeFromDescription().AllowAnonymous();
        app.MapGet(MemoryPath, () =>
        {
            var info = GC.GetGCMemoryInfo(GCKind.Any);
            return Results.Json(new Dictionary<string, long>
            {
                ["gc_heap_bytes"] = info.HeapSizeBytes,
                ["gc_fragmented_bytes"] = info.FragmentedBytes,
                ["gc_committed_bytes"] = info.TotalCommittedBytes,
                ["gc_promoted_bytes"] = info.PromotedBytes,
                ["gc_gen2_collections"] = GC.CollectionCount(2),
                ["allocated_bytes"] = GC.GetTotalAllocatedBytes(),
            }, GatewayJson.Options);
        }).ExcludeFromDescription().AllowAnonymous();
    }

    internal static List<string> Check(IConfigurationSection section, bool development)
    {
        var problems = new List<string>();
        if (!development)
            problems.Add("it needs the Development environment (ASPNETCORE_ENVIRONMENT=Development).");
        if (!bool.TryParse(section["Enabled"], out var enabled) || !enabled)
            problems.Add($"it needs {Section}:Enabled=true (env QuantaProxy__BenchmarkPassthrough__Enabled).");
        foreach (var route in section.GetSection("Routes").GetChildren())
        {
            var path = route["Match:Path"];
            if (path is null || !path.StartsWith(PathPrefix, StringComparison.Ordinal) || path.Length == PathPrefix.Length)
                problems.Add($"route '{route.Key}' must match a path under {PathPrefix} (it has '{path}').");
        }
        return problems;
    }

    /// <summary>Present in the container only when the passthrough is enabled.</summary>
    private sealed class Marker;
}
