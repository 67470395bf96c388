using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Errors;

namespace QuantaProxy.Gateway.Auth;

/// <summary>
/// The <c>ApiKey</c> authentication scheme: <c>X-API-Key</c> → a <see cref="ClaimsPrincipal"/> naming the key, its tenant
/// (none for admin keys) and its scopes. Whether an endpoint needs a caller is the endpoint's own metadata (the fallback
/// policy requires one unless it is marked anonymous), never the spelling of the request's path.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-API-Key";

    /// <summary>
    /// The API key an Okta SDK sends as its token (<c>Authorization: SSWS qp_…</c>), on endpoints marked
    /// <see cref="AcceptsSswsApiKey"/> only, so that unchanged SDK code can reach them; everywhere else the key travels in
    /// <c>X-API-Key</c> alone. Null when the request carries no such header.
    /// </summary>
    public static string? SswsKey(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AcceptsSswsApiKey>() is null) return null;
        var values = context.Request.Headers.Authorization;
        if (values.Count != 1 || values[0] is not { } value || value.Length > 512) return null;
        return value.StartsWith("SSWS ", StringComparison.Ordinal) ? value[5..].Trim() : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var values = Request.Headers[Header];
        if (values.Count == 0 && SswsKey(Context) is { } ssws) values = ssws;
        if (values.Count == 0) return AuthenticateResult.NoResult();
        var caller = values.Count == 1 ? await authenticator.AuthenticateAsync(values[0], Context.RequestAborted) : null;
        if (caller is null) return AuthenticateResult.Fail("The API key is not valid.");
        var principal = CallerClaims.ToPrincipal(caller, SchemeName);
        CallerContext.Set(Context, caller);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // An Okta SDK raises OktaApiError only for Okta's error body: answer its "Invalid token provided" where it may call.
        if (Context.GetEndpoint()?.Metadata.GetMetadata<AcceptsSswsApiKey>() is not null)
            return Transparent.OktaErrorAnswer.WriteAsync(Context, StatusCodes.Status401Unauthorized, Transparent.OktaErrorAnswer.InvalidToken, "Invalid token provided", null, null, null);
        Response.Headers.WWWAuthenticate = $"ApiKey header=\"{Header}\"";
        return ProblemWriter.WriteAsync(Context, StatusCodes.Status401Unauthorized, ProblemCodes.Unauthenticated,
            Request.Headers[Header].Count == 0 ? "Send an API key in the X-API-Key header." : "The API key is not valid.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Context.GetEndpoint()?.Metadata.GetMetadata<AcceptsSswsApiKey>() is not null
            ? Transparent.OktaErrorAnswer.WriteAsync(Context, StatusCodes.Status403Forbidden, Transparent.OktaErrorAnswer.Forbidden,
                "You do not have permission to perform the requested action", null, null, null)
            : ProblemWriter.WriteAsync(Context, StatusCodes.Status403Forbidden, ProblemCodes.InsufficientScope, "This caller may not use this endpoint.");
}
