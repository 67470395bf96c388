using System.Diagnostics;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>Latencies and failures of one closed-loop window.</summary>
internal sealed record LoopResult(long Requests, long Errors, IReadOnlyDictionary<string, long> ErrorKinds, double Seconds, double[] SortedLatenciesMs)
{
    public double RequestsPerSecond => Seconds <= 0 ? 0 : Requests / Seconds;

    public double MeanMs => SortedLatenciesMs.Length == 0 ? 0 : SortedLatenciesMs.Average();

    /// <summary>Nearest-rank percentile of all latencies, successful or not.</summary>
    public double Percentile(double q) => SortedLatenciesMs.Length == 0 ? 0 : SortedLatenciesMs[Math.Clamp((int)Math.Ceiling(q * SortedLatenciesMs.Length) - 1, 0, SortedLatenciesMs.Length - 1)];
}

/// <summary>
/// N clients, each sending its next request as soon as the previous one is answered, until the deadline. Every request
/// is timed; a call returns <c>null</c> when it succeeded, else the kind of failure (e.g. <c>status 503</c>).
/// </summary>
internal static class ClosedLoop
{
    public static async Task<LoopResult> RunAsync(int clients, TimeSpan duration, Func<CancellationToken, Task<string?>> call, CancellationToken ct)
    {
        var latencies = new List<double>[clients];
        var failures = new Dictionary<string, long>[clients];
        var watch = Stopwatch.StartNew();
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(i => Task.Run(async () =>
        {
            var mine = latencies[i] = new List<double>(8192);
            var failed = failures[i] = new Dictionary<string, long>(StringComparer.Ordinal);
            while (Stopwatch.GetTimestamp() < deadline && !ct.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                string? failure;
                try
                {
                    failure = await call(ct);
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !ct.IsCancellationRequested)
                {
                    failure = e.GetType().Name;
                }
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (failure is not null) failed[failure] = failed.GetValueOrDefault(failure) + 1;
            }
        }, ct)));
        var seconds = watch.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        var kinds = failures.SelectMany(f => f).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value), StringComparer.Ordinal);
        return new LoopResult(all.Length, kinds.Values.Sum(), kinds, seconds, all);
    }
}
