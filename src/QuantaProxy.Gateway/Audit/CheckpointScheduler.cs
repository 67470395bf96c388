using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Tenants;

namespace QuantaProxy.Gateway.Audit;

/// <summary>Signs a checkpoint for every tenant whose chain grew, every <see cref="AuditOptions.CheckpointInterval"/>.</summary>
public sealed class CheckpointScheduler(CheckpointService checkpoints, TenantStore tenants, IOptions<AuditOptions> options, TimeProvider time, ILogger<CheckpointScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.CheckpointInterval;
        if (interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var tenant in await tenants.ListAsync(stoppingToken))
            {
                try
                {
                    await checkpoints.GetOrSignAsync(tenant.Id, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Scheduled checkpoint for {TenantId} failed", tenant.Id);
                }
            }
        }
    }
}
