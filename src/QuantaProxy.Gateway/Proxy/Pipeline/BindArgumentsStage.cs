using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>
/// The payload checked against the operation's bounds and turned into the Okta request and its typed arguments; the only
/// way a payload becomes a request, so nothing unchecked reaches Okta.
/// </summary>
public sealed class BindArgumentsStage(OktaCursors cursors, ProxyDenials denials) : IOutboundStage
{
    public async ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct)
    {
        try
        {
            var validated = outbound.ResolvedOperation.Validate(outbound.Payload);
            // A next_cursor becomes the exact query it continues (checked to be this call's, then validated again), so the
            // decisions after this stage see the whole query.
            outbound.Request = await cursors.ResolveAsync(outbound.TenantId, outbound.ResolvedIntegration.Id, outbound.ResolvedOperation, validated, ct);
        }
        catch (PayloadValidationException e)
        {
            throw await denials.RecordAsync(outbound, new ApiException(400, ProblemCodes.InvalidPayload, e.Message, e.Field));
        }
        catch (OktaCursorException e)
        {
            throw await denials.RecordAsync(outbound, new ApiException(400, e.Code, e.Message, e.Field));
        }
        return true;
    }
}
