namespace QuantaProxy.OktaSandbox;

/// <summary>Faults a test switches on at run time. Counters are consumed one per Management (or token) request.</summary>
public sealed class SandboxFaults
{
    private int _failNext;
    private int _rateLimitNext;
    private int _dropNext;
    private int _failTokenNext;
    private int _rejectTokenNext;
    private int _tokenEpoch;

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

    /// <summary>Faults of event hook deliveries (lost, duplicated, reordered, late).</summary>
    public EventHookFaults EventHooks { get; } = new();

    /// <summary>Every access token issued so far becomes invalid: Management requests with one answer 401 <c>invalid_token</c>.</summary>
    public void RevokeAllTokens() => Interlocked.Increment(ref _tokenEpoch);

    /// <summary>The next <paramref name="count"/> token requests answer 500 <c>server_error</c> (adds to any still pending).</summary>
    public void FailTokenRequests(int count) => Add(ref _failTokenNext, count);

    /// <summary>The next <paramref name="count"/> token requests answer 401 <c>invalid_client</c> (adds to any still pending).</summary>
    public void RejectTokenRequests(int count) => Add(ref _rejectTokenNext, count);

    /// <summary>Cancels token faults still pending.</summary>
    public void ClearTokenFaults()
    {
        Interlocked.Exchange(ref _failTokenNext, 0);
        Interlocked.Exchange(ref _rejectTokenNext, 0);
    }

    /// <summary>Tokens issued in an earlier epoch were revoked.</summary>
    internal int TokenEpoch => Volatile.Read(ref _tokenEpoch);

    internal bool TakeTokenFailure() => Take(ref _failTokenNext);
    internal bool TakeTokenRejection() => Take(ref _rejectTokenNext);

    internal bool TakeFailure() => Take(ref _failNext);
    internal bool TakeRateLimit() => Take(ref _rateLimitNext);
    internal bool TakeDrop() => Take(ref _dropNext);

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
