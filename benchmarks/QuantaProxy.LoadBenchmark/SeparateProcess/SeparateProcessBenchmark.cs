using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using QuantaProxy.Client;
using QuantaProxy.Crypto.Envelopes;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>
/// The load benchmark with every party in its own process on loopback: the Okta sandbox (<c>quantaproxy sandbox</c>),
/// the gateway (its Release dll, throwaway data folder), and the closed-loop clients in this process. It provisions a
/// tenant over HTTP, checks one envelope, measures the crypto baseline while the servers idle, runs every
/// (target, clients) cell, then the soak, and reports per-process CPU and the gateway's memory from /proc.
/// </summary>
internal static class SeparateProcessBenchmark
{
    private const string PassthroughSection = "QuantaProxy__BenchmarkPassthrough__";

    public static async Task<LoadReport> RunAsync(LoadSettings settings, Action<string> say, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var work = settings.WorkParent is null ? Directory.CreateTempSubdirectory("qp-load-").FullName
            : Directory.CreateDirectory(Path.Combine(settings.WorkParent, "qp-load-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        var dataDir = Path.Combine(work, "data");
        var oktaToken = "00" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
        var machine = MachineInfo.Read(work, settings.GatewayDll);
        say($"machine: {machine.Cpu}, {machine.LogicalCpus} CPUs, load average {machine.LoadAverageAtStart}; work folder {work}");

        KmsServer? kms = null;
        if (settings.KmsUrl is not null)
        {
            kms = await KmsServer.CreateKeyAsync(settings.KmsUrl, ct);
            say($"KMS-compatible server {kms.Url}: key {kms.KeyArn}");
        }

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        var sandboxUri = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        var statsUri = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/__sandbox/stats");
        var gatewayUri = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        var gatewaySettings = GatewaySettings(dataDir, sandboxUri, kms);
        if (settings.PerfWindow > TimeSpan.Zero)
        {
            if (!PerfProfile.IsAvailable(out var why)) throw new InvalidOperationException($"--perf-seconds needs perf: {why}");
            say($"profiling with {why}");
            foreach (var (key, value) in PerfProfile.GatewayEnvironment) gatewaySettings[key] = value;
        }
        var profiles = new List<ProfileResult>();
        ChildProcess? sandbox = null, gateway = null;
        using var serviceApp = new ServiceApp();
        try
        {
            sandbox = ChildProcess.StartDotnet("sandbox", settings.CliDll,
                ["sandbox", "--urls", sandboxUri.ToString().TrimEnd('/'), "--api-token", oktaToken, "--seed-users", settings.SeedUsers.ToString(CultureInfo.InvariantCulture),
                 "--rate-limit-per-minute", "1000000000", "--stats-urls", $"http://127.0.0.1:{statsUri.Port}",
                 "--service-app-jwks", serviceApp.WriteJwks(work), "--client-id", ServiceApp.ClientId],
                new Dictionary<string, string>(), Path.Combine(work, "sandbox.log"));
            await sandbox.WaitUntilReadyAsync(http, statsUri, TimeSpan.FromSeconds(60));
            say($"sandbox pid {sandbox.Id} at {sandboxUri}");

            var gatewayStart = Stopwatch.StartNew();
            gateway = ChildProcess.StartDotnet("gateway", settings.GatewayDll, ["--urls", gatewayUri.ToString().TrimEnd('/')], gatewaySettings, Path.Combine(work, "gateway.log"));
            await gateway.WaitUntilReadyAsync(http, new Uri(gatewayUri, "/readyz"), TimeSpan.FromSeconds(90));
            var gatewayStartSeconds = gatewayStart.Elapsed.TotalSeconds;
            say($"gateway pid {gateway.Id} at {gatewayUri}, ready in {gatewayStartSeconds:F1} s");

            var (apiKey, integrationId, bundle) = await ProxyLoadBenchmark.ProvisionAsync(http, gatewayUri, dataDir, sandboxUri, oktaToken);
            var serviceAppIntegration = await serviceApp.ProvisionAsync(http, gatewayUri, apiKey, sandboxUri);
            if (settings.Policies > 0)
            {
                await UploadPoliciesAsync(http, gatewayUri, apiKey, settings.Policies);
                say($"tenant policy set of {settings.Policies} policies active");
            }
            var targets = new LoadTargets(http, sandboxUri, gatewayUri, oktaToken, apiKey, integrationId, serviceAppIntegration);
            int answerBytes;
            using (bundle)
            {
                answerBytes = await CheckOneEnvelopeAsync(targets, bundle, "before the load", ct);
                say($"provisioned integration {integrationId}; one envelope verified and opened ({answerBytes} bytes of plaintext)");
                await Task.Delay(500, ct);
                var idleRss = ProcFs.Memory(gateway.Id).RssKb / 1024.0;

                say("crypto baseline (servers idle) ...");
                CryptoResult crypto;
                using var baseline = new CryptoBaseline();
                var (ceilingBefore, otherBefore) = MeasureCeiling(baseline);
                crypto = new CryptoResult(Environment.ProcessorCount, ceilingBefore, otherBefore, 0, 0, baseline.SingleSealMedianMs(1024, TimeSpan.FromSeconds(2)), answerBytes,
                    baseline.CeilingPerSecond(answerBytes, TimeSpan.FromSeconds(4)), baseline.SingleSealMedianMs(answerBytes, TimeSpan.FromSeconds(2)));
                say($"ceiling {crypto.CeilingBeforeLoad:F0}/s (1 KiB, other load {crypto.OtherCpuShareBeforeLoad:P0}), {crypto.CeilingPerSecondAnswerSize:F0}/s ({answerBytes} B); one seal {crypto.SealMedianMs1KiB:F3} ms / {crypto.SealMedianMsAnswerSize:F3} ms");

                var warmup = await WarmUpAsync(targets, gateway.Id, settings.GlobalWarmup, say, ct);

                var kmsHostPort = kms?.HostPort;
                var beforeLoad = await ServerCounters.ReadAsync(http, gatewayUri, statsUri, kmsHostPort, ct);
                var cells = new List<CellResult>();
                RequestCounts? serviceAppCounts = null;
                foreach (var clients in settings.Clients)
                {
                    // (c′), the service-app integration, runs at the largest client count only: it is there to show what
                    // DPoP proofs cost per call and that the token cache keeps Okta's token endpoint out of the steady state.
                    var cellTargets = clients == settings.Clients.Max()
                        ? new[] { targets.SandboxDirect, targets.Passthrough, targets.FullProxy, targets.ServiceAppProxy }
                        : new[] { targets.SandboxDirect, targets.Passthrough, targets.FullProxy };
                    foreach (var target in cellTargets)
                    {
                        var countersBefore = target.Key == "c2" ? await ServerCounters.ReadAsync(http, gatewayUri, statsUri, kms?.HostPort, ct) : null;
                        await ClosedLoop.RunAsync(clients, settings.Warmup, target.Call, ct);
                        var spansBefore = await ServerSpans.ReadAsync(http, gatewayUri, ct);
                        using var meter = WindowMeter.Start(gateway.Id, sandbox.Id, TimeSpan.FromMilliseconds(200));
                        var loop = await ClosedLoop.RunAsync(clients, settings.Cell, target.Call, ct);
                        var usage = await meter.StopAsync();
                        var cell = CellResult.From(target, clients, loop, usage) with
                        {
                            GatewaySpans = target.Key == "a" ? new Dictionary<string, SpanMean>() : (await ServerSpans.ReadAsync(http, gatewayUri, ct) - spansBefore).Means(),
                        };
                        cells.Add(cell);
                        if (settings.PerfWindow > TimeSpan.Zero && target.Key == "c")
                        {
                            var profile = await PerfProfile.RecordAsync(gateway.Id, $"(c) N={clients}", Path.Combine(work, $"perf-c-{clients}.data"),
                                () => ClosedLoop.RunAsync(clients, settings.PerfWindow, target.Call, ct));
                            profiles.Add(profile);
                            say($"profile {profile.Label}: {profile.Samples:N0} samples; {string.Join(", ", profile.Categories.Take(4).Select(c => $"{c.Category} {c.Percent:F1} %"))}");
                        }
                        if (countersBefore is not null)
                            serviceAppCounts = RequestCounts.From("the service-app cell (c′), its 1 s warm-up included", await ServerCounters.ReadAsync(http, gatewayUri, statsUri, kms?.HostPort, ct) - countersBefore);
                        say(string.Create(CultureInfo.InvariantCulture,
                            $"{cell.Label,-36} N={clients,-3} {cell.RequestsPerSecond,8:F0}/s p50 {cell.P50Ms,7:F2} p99 {cell.P99Ms,7:F2} ms errors {cell.Errors} gw {cell.GatewayCpuMsPerRequest:F3} ms CPU/req, RSS {cell.GatewaySteadyRssMb:F0}/{cell.GatewayPeakRssMb:F0} MB, other load {cell.OtherCpuShare:P0}"));
                    }
                }

                SoakResult? soak = null;
                if (settings.Soak > TimeSpan.Zero)
                {
                    const int soakClients = 64;
                    say($"soak: {soakClients} clients on (c) for {settings.Soak.TotalSeconds:F0} s ...");
                    using var meter = WindowMeter.Start(gateway.Id, sandbox.Id, TimeSpan.FromSeconds(2));
                    using var stopSampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    var memory = new List<MemoryReading>();
                    var soakClock = Stopwatch.StartNew();
                    var sampler = Task.Run(async () =>
                    {
                        while (!stopSampling.IsCancellationRequested)
                        {
                            memory.Add(await MemoryReading.ReadAsync(http, gatewayUri, gateway.Id, soakClock.Elapsed.TotalSeconds, ct));
                            try
                            {
                                await Task.Delay(TimeSpan.FromSeconds(30), stopSampling.Token);
                            }
                            catch (OperationCanceledException)
                            {
                                break;
                            }
                        }
                    }, ct);
                    var loop = await ClosedLoop.RunAsync(soakClients, settings.Soak, targets.FullProxy.Call, ct);
                    await stopSampling.CancelAsync();
                    await sampler;
                    memory.Add(await MemoryReading.ReadAsync(http, gatewayUri, gateway.Id, soakClock.Elapsed.TotalSeconds, ct));
                    soak = SoakResult.From(soakClients, loop, await meter.StopAsync()) with { Memory = memory };
                    say(string.Create(CultureInfo.InvariantCulture,
                        $"soak: {soak.RequestsPerSecond:F0}/s, errors {soak.Errors}, RSS {soak.StartRssMb:F0} -> {soak.EndRssMb:F0} MB (peak {soak.PeakRssMb:F0}), second-half slope {soak.SecondHalfSlopeMbPerMinute:F2} MB/min"));
                }

                var afterLoad = await ServerCounters.ReadAsync(http, gatewayUri, statsUri, kmsHostPort, ct);
                await Task.Delay(1000, ct); // let the gateway finish what the load left (audit, GC) before the servers count as idle
                var (ceilingAfter, otherAfter) = MeasureCeiling(baseline);
                crypto = crypto with { CeilingAfterLoad = ceilingAfter, OtherCpuShareAfterLoad = otherAfter };
                say($"ceiling after the load {ceilingAfter:F0}/s (other load {otherAfter:P0})");
                await CheckOneEnvelopeAsync(targets, bundle, "after the load", ct);
                var sinceStart = RequestCounts.From("since the gateway started (provisioning, checks and load)", afterLoad);
                var duringLoad = RequestCounts.From("during the cells and the soak", afterLoad - beforeLoad);
                machine = machine with { LoadAverageAtEnd = MachineInfo.LoadAverage() };
                var summary = new LoadSettingsSummary(settings.Clients, settings.Cell.TotalSeconds, settings.Warmup.TotalSeconds, settings.GlobalWarmup.TotalSeconds, settings.Soak.TotalSeconds, settings.SeedUsers,
                    kms is null ? "Local key wrapper" : $"AwsKms against {kms.Url} (KMS-compatible server)", "SQLite (WAL, synchronous=FULL) in the throwaway data folder",
                    gatewaySettings.Where(p => !p.Key.StartsWith("AWS_", StringComparison.Ordinal)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
                    settings.Policies);
                var report = new LoadReport(started, clock.Elapsed.TotalSeconds, settings.BuildSeconds, settings.Command, machine, summary, gatewayStartSeconds, warmup, idleRss, crypto, cells, soak,
                    sinceStart, duringLoad, [], serviceAppCounts) { Profiles = profiles };
                return report with { Targets = TargetChecks.Evaluate(report) };
            }
        }
        finally
        {
            var gatewayPid = gateway?.Id;
            gateway?.Dispose();
            // The runtime's perf map outlives the process; it is of use only to re-read a kept perf data file.
            if (settings.PerfWindow > TimeSpan.Zero && !settings.KeepWork && gatewayPid is { } pid) File.Delete($"/tmp/perf-{pid}.map"); // the runtime writes it to /tmp, whatever TMPDIR says
            sandbox?.Dispose();
            try
            {
                if (settings.KeepWork) say($"kept {work} (gateway.log, sandbox.log, data)");
                else Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A child still closing a file; the temp folder is cleaned by the OS.
            }
        }
    }

    /// <summary>The 1 KiB ceiling over 5 s and the share of the machine other work used meanwhile.</summary>
    private static (double Ceiling, double OtherShare) MeasureCeiling(CryptoBaseline baseline)
    {
        var (busy0, total0) = ProcFs.MachineTicks();
        var self0 = ProcFs.CpuTicks(Environment.ProcessId);
        var ceiling = baseline.CeilingPerSecond(1024, TimeSpan.FromSeconds(5));
        var (busy1, total1) = ProcFs.MachineTicks();
        var other = Math.Max(0, busy1 - busy0 - (ProcFs.CpuTicks(Environment.ProcessId) - self0)) / (double)Math.Max(1, total1 - total0);
        return (ceiling, other);
    }

    /// <summary>
    /// Runs the three targets with 8 clients, round after round, until the gateway's tiered-JIT thread has been (nearly)
    /// idle for a whole round: before that the cells would measure the JIT and unoptimised code, not the steady state.
    /// On this 2-core machine tier-1 recompilation of the request path takes several seconds of CPU.
    /// </summary>
    private static async Task<double> WarmUpAsync(LoadTargets targets, int gatewayPid, TimeSpan perTarget, Action<string> say, CancellationToken ct)
    {
        const string jitThread = ".NET Tiered Com";
        static long JitTicks(int pid) => ProcFs.ThreadTicks(pid).Values.Where(t => t.Name == jitThread).Sum(t => t.Ticks);
        var watch = Stopwatch.StartNew();
        for (var round = 1; ; round++)
        {
            var before = JitTicks(gatewayPid);
            foreach (var target in new[] { targets.SandboxDirect, targets.Passthrough, targets.FullProxy, targets.ServiceAppProxy })
                await ClosedLoop.RunAsync(8, perTarget, target.Call, ct);
            var jitMs = (JitTicks(gatewayPid) - before) * 1000.0 / ProcFs.ClockTicksPerSecond;
            say($"warm-up round {round}: gateway JIT thread {jitMs:F0} ms of CPU");
            if (jitMs <= 30 || round == 10) return watch.Elapsed.TotalSeconds;
        }
    }

    /// <summary>The gateway's settings: the README's development switches, limits off so the load measures the proxy, and the passthrough route.</summary>
    private static Dictionary<string, string> GatewaySettings(string dataDir, Uri sandbox, KmsServer? kms)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["QuantaProxy__DataDir"] = dataDir,
            ["QuantaProxy__Okta__AllowLoopback"] = "true",
            // The inbound limits (200/s per key) and the per-integration bulkhead (32) would measure the limits, not the proxy.
            ["QuantaProxy__RateLimits__PerKeyPerSecond"] = "0",
            ["QuantaProxy__RateLimits__PerTenantPerSecond"] = "0",
            ["QuantaProxy__Okta__MaxConcurrencyPerIntegration"] = "256",
            // The passthrough baseline is refused anywhere but Development, with its explicit flag.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            [PassthroughSection + "Enabled"] = "true",
            [PassthroughSection + "Routes__okta__ClusterId"] = "okta",
            [PassthroughSection + "Routes__okta__Match__Path"] = LoadTargets.PassthroughPrefix + "/{**rest}",
            [PassthroughSection + "Routes__okta__Transforms__0__PathRemovePrefix"] = LoadTargets.PassthroughPrefix,
            [PassthroughSection + "Clusters__okta__Destinations__sandbox__Address"] = sandbox.ToString(),
            // Console logging stays as shipped (appsettings.json); the log goes to a file.
            // As deploy/Dockerfile ships it: glibc's per-thread malloc arenas otherwise let native memory (SQLite's)
            // creep up under load (load.md, "Memory": an A/B soak pair).
            ["MALLOC_ARENA_MAX"] = "2",
        };
        if (kms is not null)
            foreach (var (key, value) in kms.GatewayEnvironment()) settings[key] = value;
        return settings;
    }

    /// <summary>One call through the full proxy, verified (both signatures, request id, freshness) and opened with the tenant's bundle.</summary>
    /// <summary>The benchmark's policy set plus one permit for reads, so the load's <c>list_users</c> is allowed after every policy is evaluated.</summary>
    private static async Task UploadPoliciesAsync(HttpClient http, Uri gateway, string apiKey, int count)
    {
        var text = QuantaProxy.Benchmarks.BenchmarkPolicySet.Generate(count - 1)
            + "@id(\"reads\")\npermit(principal, action in QuantaProxy::Action::\"read\", resource);\n";
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri(gateway, "/api/v2/policies"))
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { policies = text }),
        };
        request.Headers.Add("X-API-Key", apiKey);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"policy upload: {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<int> CheckOneEnvelopeAsync(LoadTargets targets, TenantKeyBundle bundle, string when, CancellationToken ct)
    {
        var requestId = "req_loadcheck" + Guid.NewGuid().ToString("N")[..12];
        var envelope = await targets.ProxyOnceAsync(requestId, ct);
        var opened = new EnvelopeVerifier(bundle).Open(envelope, requestId);
        var answer = JsonNode.Parse(opened.Plaintext)!;
        if (answer["status"]!.GetValue<int>() != 200 || answer["body"]!.AsArray().Count != 20)
            throw new InvalidOperationException($"the envelope checked {when} does not hold Okta's 200 with 20 users");
        var length = opened.Plaintext.Length;
        CryptographicOperations.ZeroMemory(opened.Plaintext);
        return length;
    }
}
