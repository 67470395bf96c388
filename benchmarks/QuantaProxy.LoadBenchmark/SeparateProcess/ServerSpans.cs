using System.Text.Json.Nodes;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>
/// How many spans of each name the gateway finished and their summed duration (<c>GET /__benchmark/spans</c>,
/// benchmark opt-in); the difference of two readings around a cell gives each stage's mean in that cell.
/// </summary>
internal sealed record ServerSpans(IReadOnlyDictionary<string, (long Count, double TotalMs)> ByName)
{
    /// <summary>ASP.NET Core's span for one inbound request.</summary>
    public const string ServerRequest = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    public static async Task<ServerSpans> ReadAsync(HttpClient http, Uri gateway, CancellationToken ct)
    {
        var json = JsonNode.Parse(await http.GetStringAsync(new Uri(gateway, "/__benchmark/spans"), ct))!.AsObject();
        return new ServerSpans(json.ToDictionary(p => p.Key, p => (p.Value!["count"]!.GetValue<long>(), p.Value!["total_ms"]!.GetValue<double>()), StringComparer.Ordinal));
    }

    public static ServerSpans operator -(ServerSpans after, ServerSpans before) => new(after.ByName.ToDictionary(
        p => p.Key,
        p => before.ByName.TryGetValue(p.Key, out var b) ? (p.Value.Count - b.Count, p.Value.TotalMs - b.TotalMs) : p.Value,
        StringComparer.Ordinal));

    /// <summary>Per span name seen in the window: how many, and their mean duration in ms.</summary>
    public IReadOnlyDictionary<string, SpanMean> Means() => ByName.Where(p => p.Value.Count > 0)
        .ToDictionary(p => p.Key, p => new SpanMean(p.Value.Count, Math.Round(p.Value.TotalMs / p.Value.Count, 4)), StringComparer.Ordinal);
}

/// <summary>One span name in one cell: how many finished, and their mean duration.</summary>
internal sealed record SpanMean(long Count, double MeanMs);
