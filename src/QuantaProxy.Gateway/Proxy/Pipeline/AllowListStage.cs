using QuantaProxy.Gateway.Errors;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>
/// The first gate: the integration's allow-list (default deny), checked before the payload is even read. Decisions that
/// need the arguments or the caller's identities (delegations, policies) come after binding, as further conditions —
/// never a way around this one.
/// </summary>
public sealed class AllowListStage(ProxyDenials denials) : IOutboundStage
{
    public async ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct)
    {
        var operation = outbound.ResolvedOperation;
        if (!outbound.ResolvedIntegration.AllowedOperations.Contains(operation.Name, StringComparer.Ordinal))
            throw await denials.RecordAsync(outbound, new ApiException(403, ProblemCodes.OperationNotAllowed, $"The integration does not allow '{operation.Name}'."));
        return true;
    }
}
