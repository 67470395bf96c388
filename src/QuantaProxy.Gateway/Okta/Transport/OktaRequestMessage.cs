using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using QuantaProxy.Gateway.Okta.Authentication;
using QuantaProxy.Gateway.Okta.Catalog;

namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>The <see cref="HttpRequestMessage"/> for one attempt of a validated request: its catalog path, credentials, body.</summary>
internal static class OktaRequestMessage
{
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json");
    private static readonly ProductInfoHeaderValue Agent = ProductInfoHeaderValue.Parse(OktaConnector.UserAgent);

    public static HttpRequestMessage Create(Uri oktaBaseUri, ValidatedOktaRequest request, OktaRequestCredentials credentials, OktaCallState state)
    {
        // Only the org's scheme, host and port are taken from the integration: the path is the catalog's, whole.
        var message = new HttpRequestMessage(request.Method, new Uri(oktaBaseUri.GetLeftPart(UriPartial.Authority) + request.PathAndQuery))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher,
        };
        message.Headers.Accept.Add(Json);
        message.Headers.UserAgent.Add(Agent);
        message.Headers.TryAddWithoutValidation("Authorization", credentials.Authorization);
        if (credentials.DpopProof is not null) message.Headers.TryAddWithoutValidation("DPoP", credentials.DpopProof);
        if (state.RetryFor is not null && state.RateLimitRetries > 0)
        {
            message.Headers.TryAddWithoutValidation("X-Okta-Retry-For", state.RetryFor);
            message.Headers.TryAddWithoutValidation("X-Okta-Retry-Count", state.RateLimitRetries.ToString(CultureInfo.InvariantCulture));
        }
        if (request.JsonBody is not null)
        {
            message.Content = new ByteArrayContent(request.JsonBody);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        return message;
    }
}
