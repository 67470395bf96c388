using QuantaProxy.Gateway.Kms;

namespace QuantaProxy.Gateway.Health;

/// <summary>
/// The KMS half of <c>/readyz</c>, which anyone may call: one <c>DescribeKey</c> at most every <see cref="CacheFor"/>,
/// shared by concurrent probes, so unauthenticated traffic cannot be turned into KMS calls (and KMS bills).
/// </summary>
public sealed class KmsReadiness(IKeyWrapper kms, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (bool Reachable, DateTimeOffset At)? _last;

    public async Task<bool> IsReachableAsync(CancellationToken ct)
    {
        if (_last is { } fresh && time.GetUtcNow() - fresh.At < CacheFor) return fresh.Reachable;
        await _gate.WaitAsync(ct);
        try
        {
            if (_last is { } again && time.GetUtcNow() - again.At < CacheFor) return again.Reachable;
            bool reachable;
            try
            {
                reachable = await kms.CheckReachableAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                reachable = false;
            }
            _last = (reachable, time.GetUtcNow());
            return reachable;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
