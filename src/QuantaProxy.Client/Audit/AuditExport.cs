using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaProxy.Client.Http;

namespace QuantaProxy.Client.Audit;

/// <summary>
/// Writes a tenant's audit log for offline verification (FORMATS.md §6): <c>events.ndjson</c> (one event per line, §3
/// field names plus <c>prev_hash</c> and <c>hash</c>) and <c>checkpoints/&lt;tree size&gt;.txt</c>, byte for byte as signed.
/// A fresh checkpoint is requested first so the export ends under a signed root.
/// </summary>
public static class AuditExport
{
    public const string EventsFile = "events.ndjson";
    public const string CheckpointsFolder = "checkpoints";
    private const int PageSize = 1000;

    public static readonly string[] EventFields =
    [
        "event_id", "tenant_id", "seq", "occurred_at", "type", "actor", "on_behalf_of", "integration_id", "operation", "outcome",
        "upstream_status", "upstream_request_id", "request_digest", "response_digest", "detail", "prev_hash", "hash",
    ];

    public static async Task<(long Events, int Checkpoints)> ExportAsync(QuantaProxyHttpClient client, string directory, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        Directory.CreateDirectory(Path.Combine(directory, CheckpointsFolder));
        await client.SendJsonAsync(HttpMethod.Get, "/api/v2/audit/checkpoint", null, ct);
        long count = 0, after = 0;
        await using (var writer = new StreamWriter(Path.Combine(directory, EventsFile), false, new UTF8Encoding(false)))
        {
            while (true)
            {
                var page = await client.SendJsonAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"/api/v2/audit/events?after={after}&limit={PageSize}"), null, ct);
                var events = page["events"]!.AsArray();
                foreach (var e in events)
                {
                    var line = new JsonObject();
                    foreach (var field in EventFields) line[field] = e![field]!.DeepClone();
                    await writer.WriteLineAsync(line.ToJsonString());
                    after = e!["seq"]!.GetValue<long>();
                    count++;
                }
                progress?.Report(count);
                if (events.Count < PageSize) break;
            }
        }
        var written = 0;
        long afterSize = 0;
        while (true)
        {
            var checkpoints = await client.SendJsonAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"/api/v2/audit/checkpoints?after={afterSize}&limit={PageSize}"), null, ct);
            foreach (var c in checkpoints["checkpoints"]!.AsArray())
            {
                var size = c!["tree_size"]!.GetValue<long>();
                if (size > count) continue;
                await File.WriteAllTextAsync(Path.Combine(directory, CheckpointsFolder, string.Create(CultureInfo.InvariantCulture, $"{size}.txt")),
                    c["checkpoint"]!.GetValue<string>(), new UTF8Encoding(false), ct);
                written++;
            }
            if (checkpoints["next_after"] is not { } next) break;
            afterSize = next.GetValue<long>();
        }
        return (count, written);
    }
}
