using System.Collections.Concurrent;
using System.Diagnostics;
using QuantaProxy.Gateway.Telemetry;

namespace QuantaProxy.Gateway.Benchmarking;

/// <summary>
/// Running count and total duration of every finished span of the gateway's own source and of ASP.NET Core's request
/// span, by name, so the load benchmark can say where a call's time goes (the means of the stages add up) without a
/// trace exporter. Benchmark-only: registered by <see cref="BenchmarkPassthrough"/>.
/// </summary>
/// <remarks>The gateway's tracer provider already creates these activities (it samples them all); this listener only
/// adds a callback when each one stops.</remarks>
public sealed class BenchmarkSpans : IDisposable
{
    /// <summary>ASP.NET Core's span for one inbound request, from the first byte read to the response written.</summary>
    public const string ServerRequest = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    private readonly ActivityListener _listener;
    private readonly ConcurrentDictionary<string, Totals> _totals = new(StringComparer.Ordinal);

    public BenchmarkSpans()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is GatewayTelemetry.Name or "Microsoft.AspNetCore",
            // The least that still creates the activity; the tracer provider asks for more anyway.
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStopped = Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Per span name since start: how many finished and their summed duration in milliseconds, sorted by name.</summary>
    public SortedDictionary<string, SpanTotals> Snapshot()
    {
        var snapshot = new SortedDictionary<string, SpanTotals>(StringComparer.Ordinal);
        foreach (var (name, totals) in _totals)
            snapshot[name] = new SpanTotals(Interlocked.Read(ref totals.Count), Interlocked.Read(ref totals.Ticks) * 1000.0 / TimeSpan.TicksPerSecond);
        return snapshot;
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Activity activity)
    {
        var totals = _totals.GetOrAdd(activity.OperationName, static _ => new Totals());
        Interlocked.Increment(ref totals.Count);
        Interlocked.Add(ref totals.Ticks, activity.Duration.Ticks);
    }

    public sealed record SpanTotals(long Count, double TotalMs);

    private sealed class Totals
    {
        public long Count;
        public long Ticks;
    }
}
