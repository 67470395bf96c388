namespace QuantaProxy.OktaSandbox;

/// <summary>
/// Delivery faults a test switches on at run time (<see cref="SandboxFaults.EventHooks"/>), each consumed by one delivery, so a
/// hook consumer can be tested against what Okta's at-least-once, unordered delivery allows. The events still reach the System Log.
/// </summary>
public sealed class EventHookFaults
{
    private int _drop;
    private int _duplicate;
    private int _reorder;
    private long _delayTicks;

    /// <summary>The next <paramref name="count"/> deliveries are lost: never sent, not retried (a consumer must backfill from the System Log).</summary>
    public void DropNextDeliveries(int count) => Add(ref _drop, count);

    /// <summary>The next <paramref name="count"/> deliveries are sent twice, with the same <c>eventId</c>.</summary>
    public void DuplicateNextDeliveries(int count) => Add(ref _duplicate, count);

    /// <summary>The next <paramref name="count"/> deliveries are each held back and sent after the delivery that follows them (or after a second if none follows).</summary>
    public void ReorderNextDeliveries(int count) => Add(ref _reorder, count);

    /// <summary>Added before every delivery attempt (the hook call is late, not failed).</summary>
    public TimeSpan DeliveryDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            Interlocked.Exchange(ref _delayTicks, value.Ticks);
        }
    }

    /// <summary>Cancels pending faults and the delay.</summary>
    public void Clear()
    {
        Interlocked.Exchange(ref _drop, 0);
        Interlocked.Exchange(ref _duplicate, 0);
        Interlocked.Exchange(ref _reorder, 0);
        Interlocked.Exchange(ref _delayTicks, 0);
    }

    internal bool TakeDrop() => Take(ref _drop);
    internal bool TakeDuplicate() => Take(ref _duplicate);
    internal bool TakeReorder() => Take(ref _reorder);

    private static void Add(ref int counter, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Add(ref counter, count);
    }

    private static bool Take(ref int counter)
    {
        while (true)
        {
            var current = Volatile.Read(ref counter);
            if (current <= 0) return false;
            if (Interlocked.CompareExchange(ref counter, current - 1, current) == current) return true;
        }
    }
}
