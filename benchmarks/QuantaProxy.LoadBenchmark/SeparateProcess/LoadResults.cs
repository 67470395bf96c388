namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>One (target, clients) cell: throughput, latency, failures, and what the processes used meanwhile.</summary>
internal sealed record CellResult(
    string Target, string Label, int Clients, long Requests, long Errors, IReadOnlyDictionary<string, long> ErrorKinds, double Seconds,
    double RequestsPerSecond, double P50Ms, double P90Ms, double P99Ms,
    double GatewayCpuMsPerRequest, double SandboxCpuMsPerRequest, double ClientCpuMsPerRequest,
    double GatewaySteadyRssMb, double GatewayPeakRssMb, double BenchmarkCpuShare, double OtherCpuShare,
    IReadOnlyDictionary<string, double> GatewayCpuMsPerRequestByThread)
{
    /// <summary>Mean latency as the clients saw it (the stage means below add up to means, not to percentiles).</summary>
    public double MeanMs { get; init; }

    /// <summary>The gateway's spans finished during the window, by name (empty for the sandbox-direct target).</summary>
    public IReadOnlyDictionary<string, SpanMean> GatewaySpans { get; init; } = new Dictionary<string, SpanMean>();

    public static CellResult From(LoadTarget target, int clients, LoopResult loop, WindowUsage usage) => new(
        target.Key, target.Label, clients, loop.Requests, loop.Errors, loop.ErrorKinds, loop.Seconds, loop.RequestsPerSecond,
        loop.Percentile(0.50), loop.Percentile(0.90), loop.Percentile(0.99),
        WindowUsage.CpuMsPerRequest(usage.GatewayTicks, loop.Requests), WindowUsage.CpuMsPerRequest(usage.SandboxTicks, loop.Requests),
        WindowUsage.CpuMsPerRequest(usage.HarnessTicks, loop.Requests), usage.SteadyRssMb, usage.GatewayPeakRssMb, usage.BenchmarkCpuShare, usage.OtherCpuShare,
        usage.GatewayThreadTicks.OrderByDescending(p => p.Value).ToDictionary(p => p.Key, p => Math.Round(WindowUsage.CpuMsPerRequest(p.Value, loop.Requests), 4), StringComparer.Ordinal))
    {
        MeanMs = loop.MeanMs,
    };
}

/// <summary>The long run at 64 clients on (c): does the gateway's memory settle, and does anything fail over time.</summary>
internal sealed record SoakResult(
    int Clients, double Seconds, long Requests, long Errors, IReadOnlyDictionary<string, long> ErrorKinds, double RequestsPerSecond, double P50Ms, double P99Ms,
    double GatewayCpuMsPerRequest, double StartRssMb, double EndRssMb, double PeakRssMb, double SecondHalfSlopeMbPerMinute, double OtherCpuShare,
    IReadOnlyList<RssSample> Samples)
{
    /// <summary>Above this slope over the second half, RSS is counted as growing (60 MB an hour).</summary>
    public const double GrowthThresholdMbPerMinute = 1.0;

    public bool Grew => SecondHalfSlopeMbPerMinute > GrowthThresholdMbPerMinute;

    /// <summary>Every 30 s of the soak and at its end: RSS split into the GC's part and the rest.</summary>
    public IReadOnlyList<MemoryReading> Memory { get; init; } = [];

    public static SoakResult From(int clients, LoopResult loop, WindowUsage usage)
    {
        var samples = usage.Samples;
        // Start and end levels: mean RSS over the first and last tenth of the soak.
        var tenth = usage.Seconds / 10;
        double Mean(IEnumerable<RssSample> s) => s.Select(x => x.RssMb).DefaultIfEmpty(0).Average();
        var start = Mean(samples.Where(s => s.Seconds <= tenth));
        var end = Mean(samples.Where(s => s.Seconds >= usage.Seconds - tenth));
        var secondHalf = samples.Where(s => s.Seconds >= usage.Seconds / 2).ToArray();
        return new SoakResult(clients, loop.Seconds, loop.Requests, loop.Errors, loop.ErrorKinds, loop.RequestsPerSecond, loop.Percentile(0.50), loop.Percentile(0.99),
            WindowUsage.CpuMsPerRequest(usage.GatewayTicks, loop.Requests), start, end, usage.GatewayPeakRssMb, SlopePerMinute(secondHalf), usage.OtherCpuShare, samples);
    }

    /// <summary>Least-squares slope of RSS over time, in MB per minute.</summary>
    internal static double SlopePerMinute(IReadOnlyList<RssSample> samples)
    {
        if (samples.Count < 2) return 0;
        var meanT = samples.Average(s => s.Seconds);
        var meanR = samples.Average(s => s.RssMb);
        var covariance = samples.Sum(s => (s.Seconds - meanT) * (s.RssMb - meanR));
        var variance = samples.Sum(s => (s.Seconds - meanT) * (s.Seconds - meanT));
        return variance == 0 ? 0 : covariance / variance * 60;
    }
}

/// <summary>Requests the gateway made to KMS and to Okta's token endpoint, against the proxied calls it served.</summary>
internal sealed record RequestCounts(string Window, long ProxiedCalls, long KmsUnwraps, long KmsHttpRequests, long GatewayTokenRequests, long SandboxTokenRequests)
{
    public static RequestCounts From(string window, ServerCounters c) => new(window, c.ProxiedCalls, c.KmsUnwraps, c.KmsHttpRequests, c.GatewayTokenRequests, c.SandboxTokenRequests);

    /// <summary>KMS requests: HTTP requests to the KMS server when there is one (retries and wraps included), else unwraps by the local wrapper.</summary>
    public long KmsRequests => Math.Max(KmsUnwraps, KmsHttpRequests);

    public double KmsRequestsPer1000 => Per1000(KmsRequests);

    /// <summary>Token requests as the org saw them (the sandbox counts every call to its token endpoint).</summary>
    public double TokenRequestsPer1000 => Per1000(Math.Max(SandboxTokenRequests, GatewayTokenRequests));

    private double Per1000(long count) => ProxiedCalls == 0 ? 0 : count * 1000.0 / ProxiedCalls;
}

/// <summary>One target of the issue, with what was measured and whether it holds.</summary>
internal sealed record TargetCheck(string Target, string Goal, string Measured, bool? Holds);

/// <summary>The crypto baseline measured in this run while both servers were idle.</summary>
internal sealed record CryptoResult(
    int Threads, double CeilingBeforeLoad, double OtherCpuShareBeforeLoad, double CeilingAfterLoad, double OtherCpuShareAfterLoad,
    double SealMedianMs1KiB, int AnswerPlaintextBytes, double CeilingPerSecondAnswerSize, double SealMedianMsAnswerSize)
{
    /// <summary>The higher of the two 1 KiB measurements (before the cells, after the soak): other load only ever lowers it, so this is the stricter yardstick.</summary>
    public double CeilingPerSecond1KiB => Math.Max(CeilingBeforeLoad, CeilingAfterLoad);

    /// <summary>The ceiling the machine would give with no other load: one seal's time on each core.</summary>
    public double IdealCeilingPerSecond1KiB => Threads * 1000.0 / SealMedianMs1KiB;
}

/// <summary>Everything one run measured; written as load.json and rendered as load.md.</summary>
internal sealed record LoadReport(
    DateTimeOffset StartedAt, double TotalSeconds, double? BuildSeconds, string Command, MachineInfo Machine, LoadSettingsSummary Settings,
    double GatewayStartSeconds, double WarmupSeconds, double GatewayIdleRssMb, CryptoResult Crypto, IReadOnlyList<CellResult> Cells, SoakResult? Soak,
    RequestCounts SinceStart, RequestCounts DuringLoad, IReadOnlyList<TargetCheck> Targets, RequestCounts? ServiceAppCell = null)
{
    /// <summary>The gateway's CPU profiles (<c>--perf-seconds</c>), one per full-proxy client count; empty without the option.</summary>
    public IReadOnlyList<ProfileResult> Profiles { get; init; } = [];
}

/// <summary>The settings a reader needs to interpret the numbers.</summary>
internal sealed record LoadSettingsSummary(
    IReadOnlyList<int> Clients, double CellSeconds, double WarmupSeconds, double GlobalWarmupSeconds, double SoakSeconds, int SeedUsers, string Kms, string Storage,
    IReadOnlyDictionary<string, string> GatewaySettings, int Policies = 0);
