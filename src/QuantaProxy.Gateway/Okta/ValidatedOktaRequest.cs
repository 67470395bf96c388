namespace QuantaProxy.Gateway.Okta;

/// <summary>
/// An Okta request built only from validated payload members: path and query already percent-encoded.
/// <see cref="PathArguments"/> holds each path parameter's value (unescaped) in template order, so the path that finally goes on
/// the wire can be checked against the catalog template (<see cref="OktaWirePath"/>).
/// </summary>
public sealed record ValidatedOktaRequest(HttpMethod Method, string PathAndQuery, byte[]? JsonBody)
{
    public string PathTemplate { get; init; } = "";
    public IReadOnlyList<string> PathArguments { get; init; } = [];

    /// <summary>Every validated argument, named and typed (see <see cref="OktaArgument"/>), for policies and the catalog.</summary>
    public IReadOnlyList<OktaArgument> Arguments { get; init; } = [];
}
