using Yarp.ReverseProxy.Forwarder;

namespace QuantaProxy.Gateway.Okta;

/// <summary>
/// The forwarder's request transform, applied last: it builds the outgoing request as YARP would, then refuses to let it
/// go unless its method and final path are those the catalog built (<see cref="OktaWirePath"/>).
/// </summary>
internal sealed class WirePathGuard : HttpTransformer
{
    public static readonly WirePathGuard Instance = new();
    private static readonly object Key = new();

    public static void Expect(HttpContext http, ValidatedOktaRequest request) => http.Items[Key] = request;

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.RequestUri ??= RequestUtilities.MakeDestinationAddress(destinationPrefix, httpContext.Request.Path, httpContext.Request.QueryString);
        if (httpContext.Items[Key] is not ValidatedOktaRequest expected || !OktaWirePath.Matches(expected, proxyRequest.Method, proxyRequest.RequestUri))
            throw new WirePathMismatchException();
    }
}

/// <summary>The outgoing request's method or path differs from what the catalog built; it was not sent.</summary>
internal sealed class WirePathMismatchException() : Exception("The outgoing Okta request does not match its catalog template.");
