using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>
/// A token endpoint answer: JSON with <c>Cache-Control: no-store</c> and <c>Pragma: no-cache</c> (RFC 6749 §5.1, as Okta sends),
/// and the server's <c>DPoP-Nonce</c> when the client must use one.
/// </summary>
internal sealed class OAuthResponse(int status, JsonObject body, string? dpopNonce = null) : IResult
{
    /// <summary>Okta's OAuthError body: <c>{error, error_description}</c>.</summary>
    public static OAuthResponse Error(int status, string error, string description, string? dpopNonce = null) =>
        new(status, new JsonObject { ["error"] = error, ["error_description"] = description }, dpopNonce);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = status;
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        if (dpopNonce is not null) response.Headers["DPoP-Nonce"] = dpopNonce;
        response.ContentType = "application/json";
        await response.WriteAsync(body.ToJsonString(), httpContext.RequestAborted);
    }
}
