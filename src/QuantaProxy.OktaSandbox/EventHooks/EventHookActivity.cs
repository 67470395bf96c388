using System.Collections.Concurrent;

namespace QuantaProxy.OktaSandbox;

/// <summary>One call the org made to a hook: which delivery, which attempt (1, or 2 for the retry), and how it ended.</summary>
/// <param name="Outcome"><c>delivered</c>, <c>failed</c> (timeout, connection error or non-2xx), <c>dropped</c> (a fault), or <c>duplicate</c> (a fault's second copy).</param>
public sealed record EventHookAttempt(string HookId, string EventId, string EventType, int Attempt, int? Status, string Outcome, DateTimeOffset At);

/// <summary>What the org did with event hooks, for tests: every attempt, and whether deliveries are still under way.</summary>
public sealed class EventHookActivity
{
    private const int MaxKept = 10_000;
    private readonly ConcurrentQueue<EventHookAttempt> _attempts = new();
    private int _pending;

    /// <summary>The attempts so far, oldest first (the last 10,000).</summary>
    public IReadOnlyList<EventHookAttempt> Attempts => [.. _attempts];

    /// <summary>Deliveries queued or in progress, their retry included.</summary>
    public int PendingDeliveries => Volatile.Read(ref _pending);

    /// <summary>Waits until no delivery is queued or in progress (retries included); false on timeout.</summary>
    public async Task<bool> WaitForIdleAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (PendingDeliveries > 0)
        {
            if (DateTimeOffset.UtcNow >= deadline) return false;
            await Task.Delay(20, ct);
        }
        return true;
    }

    internal void Queued() => Interlocked.Increment(ref _pending);

    internal void Finished() => Interlocked.Decrement(ref _pending);

    internal void Record(EventHookAttempt attempt)
    {
        _attempts.Enqueue(attempt);
        while (_attempts.Count > MaxKept) _attempts.TryDequeue(out _);
    }
}
