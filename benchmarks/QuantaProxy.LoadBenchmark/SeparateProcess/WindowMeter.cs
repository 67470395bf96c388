using System.Diagnostics;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>One RSS reading of the gateway, <paramref name="Seconds"/> after the window opened.</summary>
internal sealed record RssSample(double Seconds, double RssMb);

/// <summary>What the processes used during one measured window.</summary>
internal sealed record WindowUsage(
    double Seconds, long GatewayTicks, long SandboxTicks, long HarnessTicks, long MachineBusyTicks, long MachineTotalTicks,
    double GatewayPeakRssMb, IReadOnlyList<RssSample> Samples, IReadOnlyDictionary<string, long> GatewayThreadTicks)
{
    public static double CpuMsPerRequest(long ticks, long requests) => requests == 0 ? 0 : ticks * 1000.0 / ProcFs.ClockTicksPerSecond / requests;

    /// <summary>Share of the whole machine's CPU (all cores) busy with anything but the three benchmark processes.</summary>
    public double OtherCpuShare => MachineTotalTicks == 0 ? 0 : Math.Max(0, MachineBusyTicks - GatewayTicks - SandboxTicks - HarnessTicks) / (double)MachineTotalTicks;

    /// <summary>Share of the whole machine's CPU used by gateway, sandbox and clients together.</summary>
    public double BenchmarkCpuShare => MachineTotalTicks == 0 ? 0 : (GatewayTicks + SandboxTicks + HarnessTicks) / (double)MachineTotalTicks;

    /// <summary>Median RSS over the second half of the window: the level the process settled at, not its ramp.</summary>
    public double SteadyRssMb
    {
        get
        {
            var half = Samples.Where(s => s.Seconds >= Seconds / 2).Select(s => s.RssMb).Order().ToArray();
            if (half.Length == 0) half = Samples.Select(s => s.RssMb).Order().ToArray();
            return half.Length == 0 ? 0 : half[half.Length / 2];
        }
    }
}

/// <summary>
/// Reads CPU ticks of the gateway, the sandbox, this process and the machine at the start and end of a window, resets
/// the gateway's RSS high-water mark at the start, and samples its RSS in between.
/// </summary>
internal sealed class WindowMeter : IDisposable
{
    private readonly int _gateway;
    private readonly int _sandbox;
    private readonly long _gatewayTicks;
    private readonly long _sandboxTicks;
    private readonly long _harnessTicks;
    private readonly (long Busy, long Total) _machine;
    private readonly Dictionary<int, (string Name, long Ticks)> _gatewayThreads;
    private readonly Stopwatch _clock;
    private readonly List<RssSample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly bool _peakReset;
    private double _maxSampledMb;

    private WindowMeter(int gateway, int sandbox, TimeSpan sampleEvery)
    {
        _gateway = gateway;
        _sandbox = sandbox;
        _peakReset = ProcFs.TryResetPeak(gateway);
        _gatewayThreads = ProcFs.ThreadTicks(gateway);
        _gatewayTicks = ProcFs.CpuTicks(gateway);
        _sandboxTicks = ProcFs.CpuTicks(sandbox);
        _harnessTicks = ProcFs.CpuTicks(Environment.ProcessId);
        _machine = ProcFs.MachineTicks();
        _clock = Stopwatch.StartNew();
        Sample();
        _sampling = SampleAsync(sampleEvery);
    }

    public static WindowMeter Start(int gatewayPid, int sandboxPid, TimeSpan sampleEvery) => new(gatewayPid, sandboxPid, sampleEvery);

    public async Task<WindowUsage> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        Sample();
        var seconds = _clock.Elapsed.TotalSeconds;
        var threads = ThreadDeltas(ProcFs.ThreadTicks(_gateway));
        var machine = ProcFs.MachineTicks();
        var (_, peakKb) = ProcFs.Memory(_gateway);
        // Without the reset VmHWM would be the peak since the gateway started; then the sampled maximum is the honest one.
        var peak = _peakReset ? Math.Max(peakKb / 1024.0, _maxSampledMb) : _maxSampledMb;
        var gatewayTicks = ProcFs.CpuTicks(_gateway) - _gatewayTicks;
        // CPU of threads that ended during the window (retired pool workers) is in the process total only.
        var ended = gatewayTicks - threads.Values.Sum();
        if (ended > 0) threads["(threads that ended)"] = ended;
        return new WindowUsage(seconds,
            gatewayTicks, ProcFs.CpuTicks(_sandbox) - _sandboxTicks, ProcFs.CpuTicks(Environment.ProcessId) - _harnessTicks,
            machine.Busy - _machine.Busy, machine.Total - _machine.Total, peak, _samples.ToArray(), threads);
    }

    public void Dispose() => _stop.Dispose();

    /// <summary>CPU ticks per thread name over the window (a thread born in the window counts from zero).</summary>
    private Dictionary<string, long> ThreadDeltas(Dictionary<int, (string Name, long Ticks)> now)
    {
        var byName = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (tid, (name, ticks)) in now)
        {
            var delta = ticks - (_gatewayThreads.TryGetValue(tid, out var before) && before.Name == name ? before.Ticks : 0);
            if (delta > 0) byName[name] = byName.GetValueOrDefault(name) + delta;
        }
        return byName;
    }

    private async Task SampleAsync(TimeSpan every)
    {
        using var timer = new PeriodicTimer(every);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token)) Sample();
        }
        catch (OperationCanceledException)
        {
            // Window closed.
        }
    }

    private void Sample()
    {
        var mb = ProcFs.Memory(_gateway).RssKb / 1024.0;
        lock (_samples)
        {
            _samples.Add(new RssSample(_clock.Elapsed.TotalSeconds, mb));
            _maxSampledMb = Math.Max(_maxSampledMb, mb);
        }
    }
}
