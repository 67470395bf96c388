using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Policies;

/// <summary>
/// <c>context.calls_today</c> without a durable write on the call's path: a replica counts its calls in memory and adds them
/// to the shared row (one per tenant, principal and UTC day) every <see cref="PolicyOptions.CallCountFlushInterval"/>. A
/// call sees the row as last read or written (at most one interval old) plus this replica's calls since, so the count is
/// exact on one replica and, across replicas, lags the others' calls by at most one interval. A replica that dies loses
/// the calls of its last interval from the count. With the interval at zero every call is one durable write, as before.
/// </summary>
public sealed class DailyCallCounter(PolicyStore store, IOptions<PolicyOptions> options, TimeProvider time, ILogger<DailyCallCounter> logger)
{
    private readonly ConcurrentDictionary<DailyCallKey, DailyCallTally> _tallies = new();

    /// <summary>How many tallies this replica holds (bounded by the principals that called in the last two intervals).</summary>
    public int TallyCount => _tallies.Count;

    /// <summary>Counts a call; returns how many calls of <paramref name="principal"/> came before it on <paramref name="day"/>.</summary>
    public async ValueTask<long> CountAsync(string tenantId, string principal, string day, CancellationToken ct)
    {
        var interval = options.Value.CallCountFlushInterval;
        if (interval == TimeSpan.Zero) return await store.AddCallsAsync(tenantId, principal, day, 1, ct) - 1;
        var key = new DailyCallKey(tenantId, principal, day);
        while (true)
        {
            var tally = _tallies.GetOrAdd(key, static _ => new DailyCallTally());
            if (tally.IsStale(time, interval))
                await tally.RefreshAsync(t => store.CallsAsync(key.TenantId, key.Principal, key.Day, t), time, interval, ct);
            // A tally retired by the flush between GetOrAdd and here has handed its calls to the row: count on a new one.
            if (tally.TryTake(time, out var before)) return before;
            _tallies.TryRemove(new KeyValuePair<DailyCallKey, DailyCallTally>(key, tally));
        }
    }

    /// <summary>
    /// Adds every tally's new calls to its row and forgets the tallies nobody used for two intervals (or of another day). A
    /// failed write keeps the calls for the next flush; the in-memory count goes on meanwhile.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var interval = options.Value.CallCountFlushInterval;
        var today = PolicyFacts.Day(time.GetUtcNow());
        foreach (var (key, tally) in _tallies)
        {
            try
            {
                await tally.FlushAsync(n => store.AddCallsAsync(key.TenantId, key.Principal, key.Day, n, ct), time, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "calls_today: adding this replica's calls to the count failed; they are kept for the next flush");
                continue;
            }
            var idleFor = time.GetElapsedTime(tally.LastUsedTimestamp);
            if ((idleFor >= interval * 2 || key.Day != today) && tally.TryRetire())
                _tallies.TryRemove(new KeyValuePair<DailyCallKey, DailyCallTally>(key, tally));
        }
    }
}

public readonly record struct DailyCallKey(string TenantId, string Principal, string Day);
