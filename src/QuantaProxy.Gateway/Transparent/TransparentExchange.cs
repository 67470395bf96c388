using System.Runtime.CompilerServices;
using QuantaProxy.Gateway.Proxy.Pipeline;

namespace QuantaProxy.Gateway.Transparent;

/// <summary>
/// What the transparent front door adds to an <see cref="OutboundCall"/>: where its links must point (the gateway's own
/// <c>/okta/{integration_id}</c> base) and, once the answer stage ran, Okta's answer as it will be sent. It rides beside the
/// call rather than in it, because <see cref="OutboundCall"/> is shared by every front door and carries no HTTP.
/// </summary>
public sealed class TransparentExchange(string gatewayBase)
{
    private static readonly ConditionalWeakTable<OutboundCall, TransparentExchange> Exchanges = new();

    /// <summary>The base Okta's links are rewritten to: <c>{scheme}://{host}/okta/{integration_id}</c>, no trailing slash.</summary>
    public string GatewayBase { get; } = gatewayBase;

    public int Status { get; set; }
    /// <summary>Response headers in send order, exactly as signed.</summary>
    public List<KeyValuePair<string, string>> Headers { get; } = [];
    public ReadOnlyMemory<byte> Body { get; set; }

    public static void Attach(OutboundCall call, TransparentExchange exchange) => Exchanges.Add(call, exchange);

    public static TransparentExchange Of(OutboundCall call) =>
        Exchanges.TryGetValue(call, out var exchange) ? exchange : throw new InvalidOperationException("This call did not enter through the transparent front door.");
}
