using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Proxy;

/// <summary>Deletes idempotency records older than their TTL, so stored answers do not grow without end.</summary>
public sealed class IdempotencySweeper(IdempotencyStore store, IOptions<IdempotencyOptions> options, TimeProvider time, ILogger<IdempotencySweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                var deleted = await store.SweepAsync(Timestamps.Format(time.GetUtcNow() - options.Value.Ttl), stoppingToken);
                if (deleted > 0) logger.LogInformation("Deleted {Count} expired idempotency records", deleted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Idempotency sweep failed; it runs again in {Interval}", options.Value.SweepInterval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
