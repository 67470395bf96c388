namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>
/// Refusals of OAuth-authenticated Management requests, shaped as Okta's: a <c>WWW-Authenticate</c> challenge
/// (<c>DPoP algs="…", authorization_uri="…", realm="…", scope="…", error="…", error_description="…", resource="…"</c>), with
/// Okta's E0000011 body on 401 and an empty body on 403 <c>insufficient_scope</c>.
/// </summary>
internal static class ResourceChallenge
{
    public const string InvalidToken = "The access token is invalid.";
    public const string InsufficientScope = "The access token provided does not contain the required scopes.";

    /// <summary>401 with <paramref name="error"/> (<c>invalid_token</c>, <c>invalid_dpop_proof</c>).</summary>
    public static IResult Unauthorized(HttpRequest request, string scheme, string? scope, string error, string description) =>
        new Refusal(401, Header(request, scheme, scope, error, description));

    /// <summary>403 <c>insufficient_scope</c> naming the scope the operation needs; the body is empty, as in Okta.</summary>
    public static IResult Forbidden(HttpRequest request, string scheme, string scope) =>
        new Refusal(403, Header(request, scheme, scope, "insufficient_scope", InsufficientScope));

    public static string Header(HttpRequest request, string scheme, string? scope, string error, string description)
    {
        var origin = RequestUrls.Origin(request);
        var parameters = new List<string>();
        if (scheme == "DPoP") parameters.Add(Parameter("algs", string.Join(' ', PublicJwk.Algorithms)));
        parameters.Add(Parameter("authorization_uri", origin + "/oauth2/v1/authorize"));
        parameters.Add(Parameter("realm", origin));
        if (scope is not null) parameters.Add(Parameter("scope", scope));
        parameters.Add(Parameter("error", error));
        parameters.Add(Parameter("error_description", description));
        parameters.Add(Parameter("resource", request.PathBase + request.Path));
        return $"{scheme} {string.Join(", ", parameters)}";
    }

    /// <summary>An auth-param as a quoted-string (RFC 9110 §5.6.4).</summary>
    private static string Parameter(string name, string value) => $"{name}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    private sealed class Refusal(int status, string challenge) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.WWWAuthenticate = challenge;
            if (status != 401)
            {
                httpContext.Response.StatusCode = status;
                return Task.CompletedTask;
            }
            return OktaErrors.Error(401, "E0000011", "Invalid token provided").ExecuteAsync(httpContext);
        }
    }
}
