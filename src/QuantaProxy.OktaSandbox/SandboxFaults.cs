namespace QuantaProxy.OktaSandbox;

/// <summary>Faults a test switches on at run time. Counters are consumed one per Management request.</summary>
public sealed class SandboxFaults
{
    private int _failNext;
    private int _rateLimitNext;
    private int _dropNext;

    /// <summary>The next N Management requests answer 500 (after the request reached the org).</summary>
    public int FailNextRequests { get => Volatile.Read(ref _failNext); set => Volatile.Write(ref _failNext, value); }

    /// <summary>The next N Management requests answer 429 E0000047.</summary>
    public int RateLimitNextRequests { get => Volatile.Read(ref _rateLimitNext); set => Volatile.Write(ref _rateLimitNext, value); }

    /// <summary>The next N Management requests have their connection aborted with no answer.</summary>
    public int DropNextRequests { get => Volatile.Read(ref _dropNext); set => Volatile.Write(ref _dropNext, value); }

    /// <summary><c>X-Rate-Limit-Reset</c> of those 429s is now + this (default 1 s).</summary>
    public TimeSpan? RateLimitResetIn { get; set; }

    /// <summary>Added to every Management request.</summary>
    public TimeSpan Latency { get; set; }

    internal bool TakeFailure() => Take(ref _failNext);
    internal bool TakeRateLimit() => Take(ref _rateLimitNext);
    internal bool TakeDrop() => Take(ref _dropNext);

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
