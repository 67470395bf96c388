using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Okta;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>
/// The payload checked against the operation's bounds and turned into the Okta request and its typed arguments; the only
/// way a payload becomes a request, so nothing unchecked reaches Okta.
/// </summary>
public sealed class BindArgumentsStage(ProxyDenials denials) : IOutboundStage
{
    public async ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct)
    {
        try
        {
            outbound.Request = outbound.ResolvedOperation.Validate(outbound.Payload);
        }
        catch (PayloadValidationException e)
        {
            throw await denials.RecordAsync(outbound, new ApiException(400, ProblemCodes.InvalidPayload, e.Message, e.Field));
        }
        return true;
    }
}
