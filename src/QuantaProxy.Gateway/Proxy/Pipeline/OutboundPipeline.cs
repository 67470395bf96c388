using System.Diagnostics;
using QuantaProxy.Gateway.Telemetry;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>
/// The request path of every call call, whatever its front door: named stages in a fixed order, each with one job.
/// The order is the design (see docs/architecture.md): the cheap gates first, nothing sent before the decision and the
/// intent event, and the answer only after its event is durable.
/// </summary>
public sealed class OutboundPipeline
{
    private readonly IReadOnlyList<IOutboundStage> _stages;
    private readonly IdempotencyStage _idempotency;

    public OutboundPipeline(ResolveIntegrationStage integration, ResolveOperationStage operation, AllowListStage allowList, BindArgumentsStage arguments,
        DelegationStage delegation, Policies.PolicyStage policy, IdempotencyStage idempotency, IntentStage intent, CredentialStage credential, OktaCallStage okta, SealAndRecordStage seal)
    {
        _idempotency = idempotency;
        _stages = [integration, operation, allowList, arguments, delegation, policy, idempotency, intent, credential, okta, seal];
    }

    public IReadOnlyList<IOutboundStage> Stages => _stages;

    /// <summary>Runs the call to its answer (<see cref="OutboundCall.Envelope"/>), or throws the refusal or failure it met.</summary>
    public async Task RunAsync(OutboundCall call, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = GatewayTelemetry.Source.StartActivity("proxy.call");
        var claimed = false;
        try
        {
            foreach (var stage in _stages)
            {
                if (!await stage.RunAsync(call, ct)) return;
                claimed |= ReferenceEquals(stage, _idempotency) && call.IdempotencyKey is not null;
            }
            await _idempotency.CompleteAsync(call);
        }
        catch
        {
            await _idempotency.AbandonAsync(call, claimed);
            throw;
        }
        GatewayTelemetry.ProxyDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("operation", call.ResolvedOperation.Name));
    }
}
