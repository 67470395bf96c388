using System.CommandLine;
using QuantaProxy.Client.Audit;
using QuantaProxy.Client.Http;
using QuantaProxy.Crypto.Envelopes;

namespace QuantaProxy.Cli.Commands;

/// <summary><c>quantaproxy audit export</c> and <c>quantaproxy audit verify --offline</c> (FORMATS.md §6).</summary>
public static class AuditCommand
{
    public static Command Create()
    {
        var connection = new GatewayConnectionOptions();
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder to write events.ndjson and checkpoints/ into", Required = true };
        var export = new Command("export", "Export the calling tenant's audit log and checkpoints. Example: QUANTAPROXY_URL=http://127.0.0.1:8080 QUANTAPROXY_API_KEY=qp_live_... quantaproxy audit export --out ./audit") { outDir };
        connection.AddTo(export);
        export.SetAction(async (parse, ct) =>
        {
            try
            {
                using var client = connection.Connect(parse);
                var progress = new Progress<long>(n => Console.Error.Write($"\rexported {n} events"));
                var (events, checkpoints) = await AuditExport.ExportAsync(client, parse.GetRequiredValue(outDir).FullName, progress, ct);
                Console.Error.WriteLine();
                Console.WriteLine($"exported {events} events and {checkpoints} checkpoints to {parse.GetRequiredValue(outDir).FullName}");
                return 0;
            }
            catch (Exception e) when (e is QuantaProxyApiException or HttpRequestException or InvalidOperationException or IOException)
            {
                Console.Error.WriteLine($"export failed: {e.Message}");
                return 1;
            }
        });

        var offline = new Option<DirectoryInfo>("--offline") { Description = "An export folder to verify with no gateway", Required = true };
        var keys = new Option<FileInfo>("--keys") { Description = "Tenant key bundle; only its checkpoint_keys are trusted", Required = true };
        var trusted = new Option<FileInfo[]>("--trusted-checkpoint") { Description = "A checkpoint the tenant kept (repeatable)", AllowMultipleArgumentsPerToken = false };
        var verify = new Command("verify", "Verify an export offline: hashes, links, Merkle roots, checkpoint signatures, consistency with kept checkpoints. Example: quantaproxy audit verify --offline ./audit --keys tenant-keys.json --trusted-checkpoint kept/1200.txt")
        {
            offline, keys, trusted,
        };
        verify.SetAction(parse =>
        {
            try
            {
                using var bundle = TenantKeyBundle.Parse(File.ReadAllBytes(parse.GetRequiredValue(keys).FullName));
                var kept = (parse.GetValue(trusted) ?? []).Select(f => File.ReadAllText(f.FullName)).ToList();
                var progress = new Progress<long>(n => Console.Error.Write($"\rverified {n} events"));
                var result = new OfflineAuditVerifier(bundle).Verify(parse.GetRequiredValue(offline).FullName, kept, progress);
                Console.Error.WriteLine();
                if (result.Valid)
                {
                    Console.WriteLine($"valid: {result.EventsChecked} events, {result.CheckpointsChecked} checkpoints in the export, {result.TrustedCheckpointsChecked} trusted checkpoints consistent");
                    return 0;
                }
                var first = result.First!;
                Console.WriteLine($"INVALID at seq {first.Seq}: {first.Kind} ({first.Detail}); {result.Problems.Count} problem(s) in all");
                return 1;
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"cannot verify: {e.Message}");
                return 1;
            }
        });
        return new Command("audit", "Audit log export and offline verification") { export, verify };
    }
}
