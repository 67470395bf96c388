using System.Globalization;
using System.Text;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>
/// Renders a run as load.md. Everything above <see cref="AnalysisMarker"/> is regenerated; the hand-written analysis
/// below it is carried over from the previous file, so a re-run does not erase it (the analysis names the run it read).
/// </summary>
internal static class LoadMarkdown
{
    public const string AnalysisMarker = "<!-- analysis: written by hand, kept when the harness rewrites the file -->";

    /// <summary>The thread names that used at least 2 % of the gateway's CPU in some (b) or (c) cell.</summary>
    private static List<string> ThreadColumns(LoadReport r) => r.Cells.Where(c => c.Target != "a")
        .SelectMany(c => c.GatewayCpuMsPerRequestByThread.Where(p => p.Value >= 0.02 * c.GatewayCpuMsPerRequest).Select(p => p.Key))
        .Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();

    /// <summary>Where a call's time goes in each gateway cell: the client's mean and the gateway's span means, nested.</summary>
    private static void RenderStages(LoadReport r, Action<FormattableString> L)
    {
        var cells = r.Cells.Where(c => c.Target != "a" && c.GatewaySpans.Count > 0).ToList();
        if (cells.Count == 0) return;
        double Mean(CellResult c, string name) => c.GatewaySpans.TryGetValue(name, out var m) ? m.MeanMs : 0;
        string Cell(double ms) => ms.ToString("F3", CultureInfo.InvariantCulture);
        // A span the cell never had (the plain route has no endpoint, a service app no unseal) is a dash, not a zero.
        Func<CellResult, string> Span(string name) => c => c.GatewaySpans.TryGetValue(name, out var m) ? Cell(m.MeanMs) : "–";
        var rows = new List<(string Label, Func<CellResult, string> Value)>
        {
            ("client's mean latency (harness)", c => Cell(c.MeanMs)),
            ("· outside the gateway's request span: client, loopback, Kestrel's reading before it", c => Cell(c.MeanMs - Mean(c, ServerSpans.ServerRequest))),
            ("· the gateway's request span (ASP.NET Core `HttpRequestIn`)", Span(ServerSpans.ServerRequest)),
            ("· · middleware and writing the answer (request id, API key, limits, audit scope)", c => c.GatewaySpans.ContainsKey("proxy.call") ? Cell(Mean(c, ServerSpans.ServerRequest) - Mean(c, "proxy.call")) : "–"),
            ("· · `proxy.call`: the endpoint", Span("proxy.call")),
            ("· · · `vault.unseal`: credential row (+ cached or decapsulated secret)", Span("vault.unseal")),
            ("· · · `okta.request`: forwarding to Okta and reading its answer", Span("okta.request")),
            ("· · · `envelope.seal`: keys, encryption, then signature ∥ audit event", Span("envelope.seal")),
            ("· · · · `envelope.encrypt`: ML-KEM-768 + AES-256-GCM, the signed message M and its SHA-256", Span("envelope.encrypt")),
            ("· · · · `envelope.sign`: ML-DSA-65 + HMAC-SHA-512 (on another thread)", Span("envelope.sign")),
            ("· · · · `audit.record`: from queueing the event to durable (meanwhile)", Span("audit.record")),
            ("· · · the rest of the endpoint: body, integration row, validation, Okta client, answer JSON", c => c.GatewaySpans.ContainsKey("proxy.call")
                ? Cell(Mean(c, "proxy.call") - Mean(c, "vault.unseal") - Mean(c, "okta.request") - Mean(c, "envelope.seal")) : "–"),
            ("`audit.append`: one group commit (SQLite transaction + fsync)", Span("audit.append")),
            ("events per group commit", c => c.GatewaySpans.TryGetValue("audit.append", out var a) && c.GatewaySpans.TryGetValue("audit.record", out var e) && a.Count > 0
                ? (e.Count / (double)a.Count).ToString("F1", CultureInfo.InvariantCulture) : "–"),
        };
        L($"## Where a call's time goes (the gateway's spans)");
        L($"");
        L($"Mean milliseconds per call in each gateway cell: the clients' mean latency, and the mean of every span the gateway finished in the");
        L($"window (read from the benchmark-only `GET /__benchmark/spans` before and after it). Nested rows are parts of the row above; rows");
        L($"starting with *the rest* or *outside* are differences. The signature and the audit event overlap, so `envelope.seal` is about");
        L($"`envelope.encrypt` + the longer of the two. At 64 clients the means include waiting for a core, a connection or a commit.");
        L($"");
        L($"| mean ms per call | {string.Join(" | ", cells.Select(c => $"({(c.Target == "c2" ? "c′" : c.Target)}) N={c.Clients}"))} |");
        L($"|---|{string.Concat(cells.Select(_ => "---:|"))}");
        foreach (var (label, value) in rows)
        {
            var values = cells.Select(value).ToList();
            if (values.All(v => v is "–")) continue;
            L($"| {label} | {string.Join(" | ", values)} |");
        }
        L($"");
    }

    /// <summary>The perf profiles: shares of the gateway's CPU by category, and the heaviest symbols of each.</summary>
    private static void RenderProfiles(LoadReport r, Action<FormattableString> L)
    {
        if (r.Profiles.Count == 0) return;
        L($"## Where the gateway's CPU goes (perf)");
        L($"");
        L($"After each (c) cell, {r.Profiles.Count} more window(s) of the same load with `perf record -e cpu-clock -F 999 -g -p <gateway>` (every thread,");
        L($"kernel included; JIT-compiled methods named from the runtime's perf map: `DOTNET_PerfMapEnabled=3`, `DOTNET_EnableWriteXorExecute=0`), reduced with");
        L($"`perf report --no-children --sort dso,sym`: the share of the gateway's samples by where the CPU was (self time).");
        L($"");
        var categories = r.Profiles.SelectMany(p => p.Categories).GroupBy(c => c.Category)
            .OrderByDescending(g => g.Max(c => c.Percent)).Select(g => g.Key).ToList();
        L($"| share of the gateway's CPU samples | {string.Join(" | ", r.Profiles.Select(p => $"{p.Label} ({p.Samples:N0} samples)"))} |");
        L($"|---|{string.Concat(r.Profiles.Select(_ => "---:|"))}");
        foreach (var category in categories)
            L($"| {category} | {string.Join(" | ", r.Profiles.Select(p => p.Categories.FirstOrDefault(c => c.Category == category) is { } c ? $"{c.Percent:F1} %" : "–"))} |");
        var crypto = r.Profiles.Select(p => p.Categories.Where(c => c.Category.StartsWith("BouncyCastle", StringComparison.Ordinal) || c.Category.StartsWith("OpenSSL", StringComparison.Ordinal)).Sum(c => c.Percent));
        L($"| *all cryptography (BouncyCastle + OpenSSL)* | {string.Join(" | ", crypto.Select(v => $"*{v:F1} %*"))} |");
        L($"");
        if (r.Profiles.Any(p => p.Frames.Count > 0))
        {
            L($"Inclusive shares (`perf report --children`: the samples with the frame anywhere on their stack) of the envelope's synchronous parts:");
            L($"");
            L($"| share of the gateway's CPU samples, inclusive | {string.Join(" | ", r.Profiles.Select(p => p.Label))} |");
            L($"|---|{string.Concat(r.Profiles.Select(_ => "---:|"))}");
            foreach (var label in r.Profiles.SelectMany(p => p.Frames).Select(f => f.Category).Distinct())
                L($"| {label} | {string.Join(" | ", r.Profiles.Select(p => p.Frames.FirstOrDefault(f => f.Category == label) is { } f ? $"{f.Percent:F1} %" : "–"))} |");
            L($"");
        }
        foreach (var p in r.Profiles)
        {
            L($"Heaviest symbols, {p.Label}:");
            L($"");
            L($"| self % | where | symbol |");
            L($"|---:|---|---|");
            foreach (var x in p.TopSymbols.Take(15))
                L($"| {x.Percent:F2} | {x.Dso} | `{x.Symbol.Replace("|", "\\|", StringComparison.Ordinal)}` |");
            L($"");
        }
    }

    public static string Render(LoadReport r, string? previous)
    {
        var md = new StringBuilder();
        void L(FormattableString line) => md.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        var m = r.Machine;
        L($"# Load: gateway, sandbox and clients as separate processes (issue 6)");
        L($"");
        var build = r.BuildSeconds is { } b ? $"the Release build took {b:F0} s before it, {(b + r.TotalSeconds) / 60:F1} minutes in all" : "without the build";
        L($"Run of {r.StartedAt:yyyy-MM-dd HH:mm} UTC: the harness ran {r.TotalSeconds / 60:F1} minutes ({build}). Reproduce: `{r.Command}` (see `benchmarks/README.md`).");
        L($"");
        L($"## Machine");
        L($"");
        L($"{m.Cpu}, {m.LogicalCpus} logical CPUs (`nproc`), {m.MemoryGiB:F1} GiB, {m.Os}, kernel {m.Kernel}, {m.DotNet}. Gateway: Release build, {m.GatewayGc}.");
        L($"Load average (1/5/15 min) before the run: {m.LoadAverageAtStart}; after: {m.LoadAverageAtEnd}. The machine is shared with other work: the");
        L($"*other load* column is the share of all CPUs busy with anything but the three benchmark processes during the cell.");
        L($"Data folder (SQLite, its fsync is in every audited call): {m.DataDirFileSystem}.");
        L($"");
        L($"## What runs");
        L($"");
        L($"Three processes on loopback, sharing the {m.LogicalCpus} CPUs: the Okta sandbox (`quantaproxy sandbox`, {r.Settings.SeedUsers} users), the gateway");
        L($"(`QuantaProxy.Gateway.dll`, throwaway data folder, {r.Settings.Storage}, {r.Settings.Kms}), and this harness with N closed-loop clients");
        L($"(one request at a time each, next one as soon as the answer is read). Every call is `list_users` with `limit=20`:");
        L($"");
        L($"- **(a) sandbox direct**: `GET /api/v1/users?limit=20` with `Authorization: SSWS`, straight to the sandbox.");
        L($"- **(b) gateway, plain YARP route**: the same request through the gateway's benchmark-only passthrough (`QuantaProxy:BenchmarkPassthrough`,");
        L($"  config-based YARP route under `/__benchmark/okta`): the gateway's host, middleware and forwarder, no API key, no envelope, no audit.");
        L($"- **(c) full proxy**: `POST /api/v2/proxy/outbound {{integration_id, operation: \"list_users\", payload: {{limit: 20}}}}` with an API key: integration");
        L($"  and allow-list, payload validation, vault unseal, YARP forwarding with the Polly pipeline, ML-KEM-768 + ML-DSA-65 + HMAC envelope, durable audit");
        L($"  event before the answer. One envelope was verified and opened with the tenant's bundle before the load and one after it.");
        L($"");
        L($"Before the first cell the three targets run in rounds ({r.Settings.GlobalWarmupSeconds:F0} s each, 8 clients) until the gateway's tiered-JIT thread used ≤ 30 ms");
        L($"of CPU in a round ({r.WarmupSeconds:F0} s here), so the cells measure optimised code, not the JIT.");
        L($"Each cell: {r.Settings.WarmupSeconds:F0} s warm-up, then {r.Settings.CellSeconds:F0} s measured. CPU ms per request = utime+stime delta of the process over");
        L($"the measured window (`/proc/<pid>/stat`) ÷ requests. Gateway RSS: *steady* = median `VmRSS` over the second half of the window (sampled every");
        L($"200 ms), *peak* = `VmHWM` after resetting it at the start of the window. Gateway start to ready: {r.GatewayStartSeconds:F1} s; RSS idle after provisioning: {r.GatewayIdleRssMb:F0} MB.");
        L($"Gateway settings that differ from the defaults: {string.Join(", ", r.Settings.GatewaySettings.Where(p => !p.Key.StartsWith("QuantaProxy__BenchmarkPassthrough__Routes", StringComparison.Ordinal) && !p.Key.StartsWith("QuantaProxy__BenchmarkPassthrough__Clusters", StringComparison.Ordinal) && p.Key != "QuantaProxy__DataDir").Select(p => $"`{p.Key}={p.Value}`"))}.");
        L($"");
        L($"## Results");
        L($"");
        L($"| target | clients | requests/s | p50 ms | p90 ms | p99 ms | errors | gateway CPU ms/req | sandbox CPU ms/req | clients CPU ms/req | gateway RSS steady / peak MB | all 3 CPU | other load |");
        L($"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var c in r.Cells)
            L($"| {c.Label} | {c.Clients} | {c.RequestsPerSecond:N0} | {c.P50Ms:F2} | {c.P90Ms:F2} | {c.P99Ms:F2} | {c.Errors} | {c.GatewayCpuMsPerRequest:F3} | {c.SandboxCpuMsPerRequest:F3} | {c.ClientCpuMsPerRequest:F3} | {c.GatewaySteadyRssMb:F0} / {c.GatewayPeakRssMb:F0} | {c.BenchmarkCpuShare:P0} | {c.OtherCpuShare:P0} |");
        L($"");
        L($"Gateway CPU by thread (ms per request; thread names from `/proc/<pid>/task/*/comm`, pool workers that retired in the window under *(threads that ended)*):");
        L($"");
        L($"| target | clients | {string.Join(" | ", ThreadColumns(r))} |");
        L($"|---|---:|{string.Concat(ThreadColumns(r).Select(_ => "---:|"))}");
        foreach (var c in r.Cells.Where(c => c.Target != "a"))
            L($"| {c.Label} | {c.Clients} | {string.Join(" | ", ThreadColumns(r).Select(t => c.GatewayCpuMsPerRequestByThread.TryGetValue(t, out var v) ? v.ToString("F3", CultureInfo.InvariantCulture) : "0"))} |");
        L($"");
        var cr = r.Crypto;
        L($"**Crypto ceiling** (harness process, both servers idle, {cr.Threads} threads, 1 KiB): {cr.CeilingBeforeLoad:N0}/s before the cells ({cr.OtherCpuShareBeforeLoad:P0} of the machine");
        L($"busy with other work meanwhile) and {cr.CeilingAfterLoad:N0}/s after the soak ({cr.OtherCpuShareAfterLoad:P0}); the higher, **{cr.CeilingPerSecond1KiB:N0} envelopes/s**, is the yardstick.");
        L($"At the benchmark's answer size ({cr.AnswerPlaintextBytes:N0} bytes of plaintext): {cr.CeilingPerSecondAnswerSize:N0}/s. One seal on one thread");
        L($"(median): **{cr.SealMedianMs1KiB:F3} ms** at 1 KiB, {cr.SealMedianMsAnswerSize:F3} ms at {cr.AnswerPlaintextBytes:N0} bytes; {cr.Threads} cores × one seal = {cr.IdealCeilingPerSecond1KiB:N0}/s on an otherwise idle machine.");
        var c64 = r.Cells.FirstOrDefault(c => c.Target == "c" && c.Clients == 64);
        var b64 = r.Cells.FirstOrDefault(c => c.Target == "b" && c.Clients == 64);
        var a1 = r.Cells.FirstOrDefault(c => c.Target == "a" && c.Clients == 1);
        var c1 = r.Cells.FirstOrDefault(c => c.Target == "c" && c.Clients == 1);
        L($"");
        if (c64 is not null)
        {
            L($"- (c)/(ceiling) at 64 clients: {c64.RequestsPerSecond:F0} / {cr.CeilingPerSecond1KiB:F0} = **{c64.RequestsPerSecond / cr.CeilingPerSecond1KiB:F2}** (at the answer size: {c64.RequestsPerSecond / cr.CeilingPerSecondAnswerSize:F2}).");
            var perRequest = c64.GatewayCpuMsPerRequest + c64.SandboxCpuMsPerRequest + c64.ClientCpuMsPerRequest;
            L($"- The same comparison in CPU time, which other load does not move: one (c) call at 64 clients costs {perRequest:F2} ms of CPU over the three");
            L($"  processes ({c64.GatewayCpuMsPerRequest:F2} gateway + {c64.SandboxCpuMsPerRequest:F2} sandbox + {c64.ClientCpuMsPerRequest:F2} clients) against {cr.SealMedianMs1KiB:F2} ms for one 1 KiB seal on one thread. With the");
            L($"  machine to itself the benchmark could reach at most {cr.Threads * 1000 / perRequest:N0} calls/s = {cr.SealMedianMs1KiB / perRequest:F2} × the ideal ceiling ({cr.Threads} cores × one seal = {cr.IdealCeilingPerSecond1KiB:N0}/s);");
            L($"  the gateway's own CPU alone would allow {cr.SealMedianMs1KiB / c64.GatewayCpuMsPerRequest:F2} ×. (The measured ceiling is {cr.CeilingPerSecond1KiB / cr.IdealCeilingPerSecond1KiB:F2} × the ideal: two threads sealing at once get less than twice one.)");
            if (b64 is not null) L($"- (c)/(b) at 64 clients: {c64.RequestsPerSecond:F0} / {b64.RequestsPerSecond:F0} = **{c64.RequestsPerSecond / b64.RequestsPerSecond:F3}**.");
        }
        if (a1 is not null && c1 is not null)
            L($"- 1-client added p50 of (c) over (a): {c1.P50Ms:F2} − {a1.P50Ms:F2} = **{c1.P50Ms - a1.P50Ms:F2} ms**, against one seal + 0.5 ms = {cr.SealMedianMs1KiB + 0.5:F2} ms.");
        L($"");
        RenderStages(r, L);
        RenderProfiles(r, L);
        L($"## KMS and Okta token requests");
        L($"");
        L($"Counted from the gateway's side (its `quantaproxy.kms.unwraps` and `quantaproxy.okta.token_requests` meters and .NET's `http.client.request.duration`");
        L($"per destination, read through the benchmark-only `GET /__benchmark/counters`) and from the org's side (the sandbox's `GET /__sandbox/stats`).");
        L($"");
        L($"| window | proxied calls | KMS unwraps | KMS HTTP requests | KMS per 1,000 | token requests (org / gateway) | tokens per 1,000 |");
        L($"|---|---:|---:|---:|---:|---:|---:|");
        foreach (var k in new[] { r.SinceStart, r.DuringLoad, r.ServiceAppCell }.OfType<RequestCounts>())
            L($"| {k.Window} | {k.ProxiedCalls:N0} | {k.KmsUnwraps} | {k.KmsHttpRequests} | {k.KmsRequestsPer1000:F3} | {k.SandboxTokenRequests} / {k.GatewayTokenRequests} | {k.TokenRequestsPer1000:F3} |");
        L($"");
        if (r.Soak is { } s)
        {
            L($"## Soak");
            L($"");
            L($"{s.Clients} clients on (c) for {s.Seconds:F0} s, gateway RSS sampled every 2 s: {s.Requests:N0} requests, {s.RequestsPerSecond:F0}/s, p50 {s.P50Ms:F1} ms, p99 {s.P99Ms:F1} ms,");
            L($"{s.Errors} errors, gateway {s.GatewayCpuMsPerRequest:F3} CPU ms/request, other load {s.OtherCpuShare:P0}. RSS at the start (mean of the first tenth) **{s.StartRssMb:F0} MB**,");
            L($"at the end (last tenth) **{s.EndRssMb:F0} MB**, peak {s.PeakRssMb:F0} MB; least-squares slope over the second half **{s.SecondHalfSlopeMbPerMinute:F2} MB/min**");
            L($"({(s.Grew ? "growing" : "no growth")} by the threshold of {SoakResult.GrowthThresholdMbPerMinute} MB/min).");
            L($"");
            L($"RSS (MB) every ~30 s: {string.Join(", ", s.Samples.Where((_, i) => i % 15 == 0).Select(x => $"{x.Seconds:F0} s: {x.RssMb:F0}"))}.");
            L($"");
            if (s.Memory.Count > 1)
            {
                L($"Where the memory is (MB; *anon* = anonymous RSS, *file* = file-backed RSS, GC figures from the gateway's last collection,");
                L($"*not GC* = anonymous RSS the GC has not committed: native allocations such as SQLite's page caches, thread stacks, the runtime):");
                L($"");
                L($"| s | RSS | anon | file | GC heap | GC committed | not GC | gen2 GCs | threads |");
                L($"|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
                foreach (var reading in s.Memory)
                    L($"| {reading.Seconds:F0} | {reading.RssMb:F0} | {reading.AnonMb:F0} | {reading.FileMb:F0} | {reading.GcHeapMb:F1} | {reading.GcCommittedMb:F0} | {reading.NonGcAnonMb:F0} | {reading.Gen2Collections} | {reading.Threads} |");
                var first = s.Memory[0];
                var last = s.Memory[^1];
                L($"");
                L($"From the first reading to the last: RSS {last.RssMb - first.RssMb:+0;-0;0} MB, of which GC committed {last.GcCommittedMb - first.GcCommittedMb:+0;-0;0} MB, not-GC anonymous {last.NonGcAnonMb - first.NonGcAnonMb:+0;-0;0} MB, file-backed {last.FileMb - first.FileMb:+0;-0;0} MB; threads {first.Threads} → {last.Threads}.");
                L($"");
            }
        }
        L($"## Targets");
        L($"");
        L($"| target | goal | measured | holds |");
        L($"|---|---|---|---|");
        foreach (var t in r.Targets)
            L($"| {t.Target} | {t.Goal} | {t.Measured} | {(t.Holds is null ? "not measured" : t.Holds.Value ? "**yes**" : "**no**")} |");
        if (r.Cells.Any(c => c.Errors > 0) || (r.Soak?.Errors ?? 0) > 0)
        {
            L($"");
            L($"Errors by kind: {string.Join("; ", r.Cells.Where(c => c.Errors > 0).Select(c => $"{c.Label} N={c.Clients}: {string.Join(", ", c.ErrorKinds.Select(k => $"{k.Key} ×{k.Value}"))}"))}{(r.Soak is { Errors: > 0 } so ? $"; soak: {string.Join(", ", so.ErrorKinds.Select(k => $"{k.Key} ×{k.Value}"))}" : "")}.");
        }
        L($"");
        md.AppendLine(AnalysisMarker);
        var kept = previous is null ? null : previous.IndexOf(AnalysisMarker, StringComparison.Ordinal) is var at and >= 0 ? previous[(at + AnalysisMarker.Length)..].TrimStart('\r', '\n') : null;
        md.AppendLine();
        md.Append(kept ?? "## Where the time goes\n\n(not written yet)\n");
        return md.ToString();
    }
}
