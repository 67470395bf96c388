namespace QuantaProxy.Gateway.Okta;

/// <summary>An Okta request built only from validated payload members: path and query already percent-encoded.</summary>
public sealed record ValidatedOktaRequest(HttpMethod Method, string PathAndQuery, byte[]? JsonBody);
