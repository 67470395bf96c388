using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Okta.Catalog;

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

    /// <summary>
    /// A <c>next_cursor</c> the caller sent (as <c>cursor</c>, or as <c>after</c>); the request must go through
    /// <see cref="OktaCursors.ResolveAsync"/> before it is sent, which replaces it with the query the cursor continues.
    /// </summary>
    public string? Cursor { get; init; }
}
