namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>
/// One step of an outbound call with one job. It throws an <c>ApiException</c> to refuse (having recorded the refusal),
/// returns <see langword="true"/> to go on, or <see langword="false"/> when the call's answer is already complete (a replay).
/// </summary>
public interface IOutboundStage
{
    ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct);
}
