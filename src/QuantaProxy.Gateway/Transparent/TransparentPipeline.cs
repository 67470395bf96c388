using System.Diagnostics;
using QuantaProxy.Gateway.Proxy.Pipeline;
using QuantaProxy.Gateway.Telemetry;

namespace QuantaProxy.Gateway.Transparent;

/// <summary>
/// The outbound pipeline's own stage instances, in its order, ending in <see cref="TransparentAnswerStage"/> instead of the
/// envelope. Taken from <see cref="OutboundPipeline.Stages"/> rather than listed again, so a gate added there (a policy
/// stage) guards this front door too. Two stages are left out: sealing (replaced), and idempotency, which Okta's SDKs do
/// not use (they send no <c>Idempotency-Key</c>) and whose stored answer is an envelope.
/// </summary>
public sealed class TransparentPipeline(OutboundPipeline outbound, TransparentAnswerStage answer)
{
    private readonly IReadOnlyList<IOutboundStage> _stages =
        [.. outbound.Stages.Where(s => s is not IdempotencyStage and not SealAndRecordStage), answer];

    public IReadOnlyList<IOutboundStage> Stages => _stages;

    /// <summary>Runs the call to its answer (<see cref="TransparentExchange"/>), or throws the refusal or failure it met.</summary>
    public async Task RunAsync(OutboundCall call, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = GatewayTelemetry.Source.StartActivity("proxy.call");
        activity?.SetTag("qp.front_door", "transparent");
        foreach (var stage in _stages)
            if (!await stage.RunAsync(call, ct)) return;
        GatewayTelemetry.ProxyDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("operation", call.ResolvedOperation.Name));
    }
}
