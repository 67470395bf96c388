using QuantaProxy.Gateway.Agents;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>
/// For an agent acting for a person, both subjects must hold: the agent is allowed the operation, and an active delegation
/// from that person (still active in Okta) covers it. The person and the delegation then name every event of the call.
/// API-key callers pass through unchanged.
/// </summary>
public sealed class DelegationStage(DelegationGate gate, ProxyDenials denials) : IOutboundStage
{
    public async ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct)
    {
        var decision = await gate.CheckAsync(outbound.Caller, outbound.TenantId, outbound.ResolvedIntegration, outbound.ResolvedOperation, outbound.Request!, ct);
        decision.Annotate(outbound.Audit);
        if (decision.Refusal is { } refusal) throw await denials.RecordAsync(outbound, refusal);
        outbound.AgentRecordId = decision.AgentRecordId;
        outbound.Human = decision.Person;
        return true;
    }
}
