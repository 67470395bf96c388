namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>No HTTP answer came back from Okta (connection, TLS, reset, activity timeout).</summary>
internal sealed class OktaTransportException(bool mayHaveReachedOkta, Exception? inner) : Exception("The request to Okta failed in transport.", inner)
{
    public bool MayHaveReachedOkta { get; } = mayHaveReachedOkta;
}
