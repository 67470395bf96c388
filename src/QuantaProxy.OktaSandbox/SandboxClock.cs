namespace QuantaProxy.OktaSandbox;

/// <summary>
/// Real time plus an offset that only moves forward when asked: <see cref="Advance"/> makes tokens, nonces and codes
/// expire at once, without waiting for them. Timers and delays still run on the real clock, so retries, time-outs and
/// background loops behave as they do against Okta. Share one instance between the sandbox and the gateway under test
/// so both agree on what time it is.
/// </summary>
public sealed class SandboxClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    // Elapsed-time measurements (token ages, cache lifetimes) must see the jump as well as the wall clock does.
    public override long GetTimestamp() =>
        System.GetTimestamp() + (long)(Interlocked.Read(ref _offsetTicks) * (System.TimestampFrequency / (double)TimeSpan.TicksPerSecond));

    public override long TimestampFrequency => System.TimestampFrequency;
}
