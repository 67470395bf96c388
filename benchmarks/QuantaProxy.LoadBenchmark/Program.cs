using System.Globalization;
using System.Text;
using System.Text.Json;
using QuantaProxy.LoadBenchmark;
using QuantaProxy.LoadBenchmark.SeparateProcess;

// Usage:
//   dotnet run -c Release --project benchmarks/QuantaProxy.LoadBenchmark -- audit [--postgres CONNSTR] [--seconds 10] [--out benchmarks/results]
//   ... -- load [--seconds 10] [--warmup-seconds 1] [--soak-seconds 300] [--clients 1,8,64] [--kms-url URL] [--seed-users 250] [--repo-root DIR]
//        [--global-warmup-seconds 2] [--work-dir DIR (parent of the throwaway data folder)] [--keep-work]
//        [--perf-seconds S (after each (c) cell, S more seconds of it profiled with perf; needs perf on the PATH)]
//      (separate processes; needs the Release builds of src/QuantaProxy.Cli and src/QuantaProxy.Gateway: see benchmarks/README.md)
//   ... -- native-crypto [--rounds 2000] [--append-to FILE]   (BouncyCastle against .NET's native ML-DSA/ML-KEM where supported)
//   ... -- render-load [--out DIR]   (load.md again from load.json, measuring nothing)
var command = args.Length > 0 ? args[0] : "help";
string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
var outDir = Option("--out", Path.Combine("benchmarks", "results"));
var seconds = int.Parse(Option("--seconds", "10"), CultureInfo.InvariantCulture);

switch (command)
{
    case "audit":
    {
        var postgres = Option("--postgres", Environment.GetEnvironmentVariable("QP_TEST_POSTGRES") ?? "");
        var results = new List<AuditAppendBenchmark.Result>();
        foreach (var producers in new[] { 64, 256 })
        {
            results.Add(await AuditAppendBenchmark.RunAsync("sqlite", null, producers, TimeSpan.FromSeconds(seconds), tenants: 4));
            Console.WriteLine(JsonSerializer.Serialize(results[^1]));
            if (postgres.Length > 0)
            {
                foreach (var appenders in new[] { 1, 3 })
                {
                    results.Add(await AuditAppendBenchmark.RunAsync("postgres", postgres, producers, TimeSpan.FromSeconds(seconds), tenants: 4, appenders));
                    Console.WriteLine(JsonSerializer.Serialize(results[^1]));
                }
            }
        }
        Directory.CreateDirectory(outDir);
        var md = new StringBuilder();
        md.AppendLine("| store | appenders | producers | events | seconds | appends/s | mean batch | verify events/s | chain valid |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Store} | {r.Appenders} | {r.Producers} | {r.Events} | {r.Seconds:F1} | {r.EventsPerSecond:F0} | {r.MeanBatch:F1} | {r.VerifyEventsPerSecond:F0} | {r.ChainValid} |");
        await File.WriteAllTextAsync(Path.Combine(outDir, "audit-append.generated.md"), md.ToString());
        await File.WriteAllTextAsync(Path.Combine(outDir, "audit-append.json"), JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine(md);
        return 0;
    }
    case "native-crypto":
    {
        // Run by benchmarks/run-native-crypto.sh twice: on the machine's own OpenSSL, then on Debian 13's OpenSSL 3.5.
        var result = NativeCryptoComparison.Run(int.Parse(Option("--rounds", "2000"), CultureInfo.InvariantCulture));
        var text = NativeCryptoComparison.Markdown(result);
        Console.WriteLine(text);
        var into = Option("--append-to", "");
        if (into.Length > 0) await File.AppendAllTextAsync(into, text + Environment.NewLine);
        return result.Interoperates ? 0 : 1;
    }
    case "transparency":
    {
        var events = int.Parse(Option("--events", "1000000"), CultureInfo.InvariantCulture);
        var result = TransparencyBenchmark.Run(events);
        Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        Directory.CreateDirectory(outDir);
        await File.WriteAllTextAsync(Path.Combine(outDir, "transparency.json"), JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }
    case "proxy":
    {
        var report = await ProxyLoadBenchmark.RunAsync([1, 8, 64], TimeSpan.FromSeconds(seconds));
        Directory.CreateDirectory(outDir);
        var md = new StringBuilder();
        md.AppendLine("| target | clients | requests/s | p50 ms | p90 ms | p99 ms | errors |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in report.Rows)
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Target} | {r.Clients} | {r.RequestsPerSecond:F0} | {r.P50Ms:F2} | {r.P90Ms:F2} | {r.P99Ms:F2} | {r.Errors} |");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Crypto ceiling (1 KiB envelopes sealed per second, {Environment.ProcessorCount} threads, same run): {report.CryptoCeilingPerSecond:F0}/s");
        md.AppendLine(CultureInfo.InvariantCulture, $"KMS unwraps: {report.KmsUnwrapCalls} for {report.ProxiedCalls} proxied calls ({report.KmsUnwrapsPer1000:F3} per 1,000); Okta token requests per 1,000: {report.OktaTokenRequestsPer1000:F3} (SSWS integration)");
        await File.WriteAllTextAsync(Path.Combine(outDir, "proxy.generated.md"), md.ToString());
        await File.WriteAllTextAsync(Path.Combine(outDir, "proxy.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine(md);
        return 0;
    }
    case "load":
    {
        var kmsUrl = Option("--kms-url", Environment.GetEnvironmentVariable("QP_TEST_KMS_URL") ?? "");
        var settings = new LoadSettings(
            RepoRoot: Path.GetFullPath(Option("--repo-root", LoadSettings.FindRepoRoot(Directory.GetCurrentDirectory()))),
            OutDir: outDir,
            Clients: Option("--clients", "1,8,64").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray(),
            Cell: TimeSpan.FromSeconds(seconds),
            Warmup: TimeSpan.FromSeconds(double.Parse(Option("--warmup-seconds", "1"), CultureInfo.InvariantCulture)),
            Soak: TimeSpan.FromSeconds(double.Parse(Option("--soak-seconds", "300"), CultureInfo.InvariantCulture)),
            KmsUrl: kmsUrl.Length > 0 ? new Uri(kmsUrl) : null,
            SeedUsers: int.Parse(Option("--seed-users", "250"), CultureInfo.InvariantCulture),
            Command: Option("--command", "dotnet QuantaProxy.LoadBenchmark.dll load " + string.Join(' ', args.Skip(1))))
        {
            GlobalWarmup = TimeSpan.FromSeconds(double.Parse(Option("--global-warmup-seconds", "2"), CultureInfo.InvariantCulture)),
            WorkParent = Option("--work-dir", "") is { Length: > 0 } work ? work : null,
            KeepWork = args.Contains("--keep-work"),
            Policies = int.Parse(Option("--policies", "0"), CultureInfo.InvariantCulture),
            PerfWindow = TimeSpan.FromSeconds(double.Parse(Option("--perf-seconds", "0"), CultureInfo.InvariantCulture)),
            BuildSeconds = Option("--build-seconds", "") is { Length: > 0 } build ? double.Parse(build, CultureInfo.InvariantCulture) : null,
        };
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        var report = await SeparateProcessBenchmark.RunAsync(settings, line => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}"), cancel.Token);
        Directory.CreateDirectory(outDir);
        var mdPath = Path.Combine(outDir, "load.md");
        var previous = File.Exists(mdPath) ? await File.ReadAllTextAsync(mdPath) : null;
        await File.WriteAllTextAsync(mdPath, LoadMarkdown.Render(report, previous));
        await File.WriteAllTextAsync(Path.Combine(outDir, "load.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        foreach (var t in report.Targets)
            Console.WriteLine($"target {t.Target}: {(t.Holds is null ? "not measured" : t.Holds.Value ? "holds" : "DOES NOT HOLD")} — {t.Measured}");
        Console.WriteLine($"wrote {mdPath} and load.json");
        return 0;
    }
    case "render-load":
    {
        // Re-renders load.md from load.json (e.g. after a wording change), keeping the hand-written analysis; measures nothing.
        var jsonPath = Path.Combine(outDir, "load.json");
        var saved = JsonSerializer.Deserialize<LoadReport>(await File.ReadAllTextAsync(jsonPath))!;
        var mdPath = Path.Combine(outDir, "load.md");
        await File.WriteAllTextAsync(mdPath, LoadMarkdown.Render(saved, File.Exists(mdPath) ? await File.ReadAllTextAsync(mdPath) : null));
        Console.WriteLine($"rendered {mdPath} from {jsonPath}");
        return 0;
    }
    default:
        Console.WriteLine("commands: audit, transparency, proxy, load, render-load");
        return 2;
}
