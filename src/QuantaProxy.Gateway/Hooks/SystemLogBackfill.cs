using System.Text.Json;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Agents;
using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Kms;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Hooks;

/// <summary>
/// A hook delivery can be lost (Okta retries once, then gives up): on start and every <see cref="AgentOptions.BackfillInterval"/>,
/// each configured tenant's System Log is read (<c>get_system_log</c> through its integration) for the revocation event
/// types since the last event seen, and applied like deliveries (deduplicated by uuid, so replicas doing it too is harmless).
/// </summary>
public sealed class SystemLogBackfill(OktaHookStore hooks, IntegrationStore integrations, IntegrationOktaReader okta, OktaRevocationProcessor processor,
    IOptions<AgentOptions> options, ILogger<SystemLogBackfill> logger) : BackgroundService
{
    private static readonly string Filter = string.Join(" or ", OktaRevocationEvent.Types.Order(StringComparer.Ordinal).Select(t => $"eventType eq \"{t}\""));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.BackfillInterval;
        if (interval <= TimeSpan.Zero) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            await RunOnceAsync(stoppingToken);
            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass over every configured tenant; returns how many events were newly applied.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var applied = 0;
        IReadOnlyList<OktaHookConfig> configs;
        try
        {
            configs = await hooks.ListAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("System Log backfill could not list hooks: {Reason}", e.GetType().Name);
            return 0;
        }
        foreach (var config in configs)
        {
            try
            {
                var integration = await integrations.FindAsync(config.TenantId, config.IntegrationId, ct);
                if (integration is null) continue;
                using var page = await okta.ReadAsync(integration, "get_system_log", new { since = config.LastPublished, filter = Filter, limit = 1000, sort_order = "ASCENDING" }, ct);
                if (page is null || page.RootElement.ValueKind != JsonValueKind.Array) continue;
                var events = page.RootElement.EnumerateArray().Select(OktaRevocationEvent.TryRead).OfType<OktaRevocationEvent>().ToList();
                applied += await processor.ApplyAsync(config.TenantId, events, "okta:system_log", ct);
            }
            catch (Exception e) when (e is OktaCallException or JsonException or InvalidOperationException or ArgumentException or ApiException or KmsUnavailableException)
            {
                logger.LogWarning("System Log backfill failed for tenant {TenantId}: {Reason}", config.TenantId, e.GetType().Name);
            }
        }
        return applied;
    }
}
