using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Okta.Catalog;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>The operation, from the catalog only: nothing outside it can be called.</summary>
public sealed class ResolveOperationStage(ProxyDenials denials) : IOutboundStage
{
    public async ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct)
    {
        if (!OktaOperationCatalog.Default.TryGet(outbound.RequestedOperation, out var operation))
            throw await denials.RecordAsync(outbound, new ApiException(400, ProblemCodes.UnknownOperation, "Unknown operation; see the operation catalog.", "operation"));
        outbound.Operation = operation;
        System.Diagnostics.Activity.Current?.SetTag("qp.operation", operation.Name);
        return true;
    }
}
