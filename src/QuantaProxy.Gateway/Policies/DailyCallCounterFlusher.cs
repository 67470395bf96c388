using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Policies;

/// <summary>Flushes the replica's <c>calls_today</c> counts every interval, and once more when the gateway stops.</summary>
public sealed class DailyCallCounterFlusher(DailyCallCounter counter, IOptions<PolicyOptions> options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.CallCountFlushInterval;
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
            await counter.FlushAsync(stoppingToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await counter.FlushAsync(cancellationToken);
    }
}
