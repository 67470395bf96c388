using System.Globalization;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>Issue 6's targets, checked against one run's numbers. A target whose cell was not run is "not measured".</summary>
internal static class TargetChecks
{
    public const double CeilingShare = 0.85;
    public const double LatencyAllowanceMs = 0.5;
    public const double RssLimitMb = 250;
    public const double PerThousandLimit = 1;

    public static List<TargetCheck> Evaluate(LoadReport r)
    {
        static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        CellResult? Cell(string target, int clients) => r.Cells.FirstOrDefault(c => c.Target == target && c.Clients == clients);
        var checks = new List<TargetCheck>();

        var c64 = Cell("c", 64);
        checks.Add(c64 is null
            ? new TargetCheck("throughput", $"(c) at 64 clients ≥ {CeilingShare} × crypto ceiling", "not measured", null)
            : new TargetCheck("throughput", F($"(c) at 64 clients ≥ {CeilingShare} × crypto ceiling (1 KiB, {r.Crypto.Threads} threads)"),
                F($"{c64.RequestsPerSecond:F0}/s ÷ {r.Crypto.CeilingPerSecond1KiB:F0}/s = {c64.RequestsPerSecond / r.Crypto.CeilingPerSecond1KiB:F2}"),
                c64.RequestsPerSecond >= CeilingShare * r.Crypto.CeilingPerSecond1KiB));

        var a1 = Cell("a", 1);
        var c1 = Cell("c", 1);
        checks.Add(a1 is null || c1 is null
            ? new TargetCheck("latency", "1-client added p50 of (c) over (a) ≤ one seal + 0.5 ms", "not measured", null)
            : new TargetCheck("latency", F($"1-client p50 of (c) − p50 of (a) ≤ one 1 KiB seal ({r.Crypto.SealMedianMs1KiB:F2} ms) + {LatencyAllowanceMs} ms = {r.Crypto.SealMedianMs1KiB + LatencyAllowanceMs:F2} ms"),
                F($"{c1.P50Ms:F2} − {a1.P50Ms:F2} = {c1.P50Ms - a1.P50Ms:F2} ms"),
                c1.P50Ms - a1.P50Ms <= r.Crypto.SealMedianMs1KiB + LatencyAllowanceMs));

        var rssReadings = new List<(string Where, double Mb)>();
        if (c64 is not null) rssReadings.Add(("(c) 64-client cell", c64.GatewaySteadyRssMb));
        if (r.Soak is not null) rssReadings.Add(("soak end", r.Soak.EndRssMb));
        checks.Add(rssReadings.Count == 0
            ? new TargetCheck("memory", $"steady RSS ≤ {RssLimitMb} MB at 64 clients", "not measured", null)
            : new TargetCheck("memory", F($"gateway steady RSS ≤ {RssLimitMb:F0} MB at 64 clients"),
                string.Join("; ", rssReadings.Select(x => F($"{x.Where} {x.Mb:F0} MB"))), rssReadings.All(x => x.Mb <= RssLimitMb)));
        checks.Add(r.Soak is null
            ? new TargetCheck("memory growth", "no RSS growth over the soak", "not measured (no soak)", null)
            : new TargetCheck("memory growth", F($"no RSS growth over the soak (second-half slope ≤ {SoakResult.GrowthThresholdMbPerMinute} MB/min)"),
                F($"{r.Soak.StartRssMb:F0} → {r.Soak.EndRssMb:F0} MB over {r.Soak.Seconds:F0} s; slope {r.Soak.SecondHalfSlopeMbPerMinute:F2} MB/min"), !r.Soak.Grew));

        var errors = r.Cells.Sum(c => c.Errors) + (r.Soak?.Errors ?? 0);
        var requests = r.Cells.Sum(c => c.Requests) + (r.Soak?.Requests ?? 0);
        checks.Add(new TargetCheck("errors", "zero errors", F($"{errors} of {requests:N0} requests"), errors == 0));

        checks.Add(new TargetCheck("KMS", F($"KMS requests per 1,000 proxied calls ≤ {PerThousandLimit}"),
            F($"{r.SinceStart.KmsRequests} for {r.SinceStart.ProxiedCalls:N0} calls = {r.SinceStart.KmsRequestsPer1000:F3} (since start; during load {r.DuringLoad.KmsRequestsPer1000:F3})"),
            r.SinceStart.KmsRequestsPer1000 <= PerThousandLimit));
        // Tokens are only requested for service-app (private_key_jwt) integrations: the (c′) cell is where the cache is tested.
        var tokens = r.ServiceAppCell ?? r.SinceStart;
        checks.Add(new TargetCheck("Okta tokens", F($"Okta token requests per 1,000 proxied calls ≤ {PerThousandLimit}"),
            F($"{Math.Max(tokens.SandboxTokenRequests, tokens.GatewayTokenRequests)} for {tokens.ProxiedCalls:N0} calls = {tokens.TokenRequestsPer1000:F3}")
            + (r.ServiceAppCell is null ? " (api_key credential only: SSWS needs no token)"
                : F($" in the service-app cell (c′, private_key_jwt + DPoP); {Math.Max(r.SinceStart.SandboxTokenRequests, r.SinceStart.GatewayTokenRequests)} since the gateway started (the first token, with its use_dpop_nonce round)")),
            tokens.TokenRequestsPer1000 <= PerThousandLimit));
        return checks;
    }
}
