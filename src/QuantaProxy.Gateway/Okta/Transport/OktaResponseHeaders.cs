using Microsoft.Extensions.Primitives;

namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>Okta's response and content headers as one case-insensitive dictionary, the shape the connector reads them in.</summary>
internal static class OktaResponseHeaders
{
    public static IHeaderDictionary From(HttpResponseMessage response)
    {
        var headers = new HeaderDictionary();
        foreach (var (name, values) in response.Headers) headers[name] = new StringValues(values.ToArray());
        foreach (var (name, values) in response.Content.Headers) headers[name] = new StringValues(values.ToArray());
        return headers;
    }
}
