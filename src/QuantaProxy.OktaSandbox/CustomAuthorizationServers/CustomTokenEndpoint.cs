using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaProxy.OktaSandbox.OAuth;

namespace QuantaProxy.OktaSandbox.CustomAuthorizationServers;

/// <summary>
/// <c>POST /oauth2/{authorizationServerId}/v1/token</c>: JWT access tokens for agents. <c>client_credentials</c> gives the agent
/// alone, or the agent acting for a person when the client assertion carries <c>act</c> (AGBAC); token exchange of a person's ID
/// token gives the person with the agent as <c>act</c>; <c>authorization_code</c> with PKCE signs a person in. Every grant
/// authenticates the client with a private_key_jwt assertion, except a code exchange by a public client; a DPoP proof binds the
/// token (<c>cnf.jkt</c>).
/// </summary>
internal sealed class CustomTokenEndpoint(
    CustomServerSet servers, ClientAssertionValidator assertions, DpopBinding binding,
    SubjectTokenValidator subjects, AuthorizationCodes codes, SandboxFaults faults, SandboxStats stats)
{
    public const string IdTokenType = "urn:ietf:params:oauth:token-type:id_token";
    public const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
    private const int MaxScopes = 64;

    public void Map(WebApplication app) =>
        // The CancellationToken parameter keeps the lambda off the RequestDelegate overload, which would drop the IResult.
        app.MapPost("/oauth2/{serverId}/v1/token", async (string serverId, HttpContext http, CancellationToken ct) => await HandleAsync(serverId, http, ct));

    private async Task<IResult> HandleAsync(string serverId, HttpContext http, CancellationToken ct)
    {
        if (servers.Find(serverId) is not { } server) return CustomServerSet.NotFound(serverId);
        stats.TokenRequested();
        if (faults.TakeTokenFailure())
            return OAuthResponse.Error(500, "server_error", "The authorization server encountered an unexpected condition that prevented it from fulfilling the request.");
        if (faults.TakeTokenRejection())
            return OAuthResponse.Error(401, "invalid_client", "The client_assertion signature is invalid.");

        var (form, problem) = await TokenRequestForm.ReadAsync(http.Request, ct);
        if (form is null) return OAuthResponse.Error(400, "invalid_request", problem!);
        var grantType = form["grant_type"];
        if (grantType is null) return OAuthResponse.Error(400, "invalid_request", "The 'grant_type' parameter is required.");
        if (grantType is not ("client_credentials" or ServerMetadata.TokenExchangeGrant or "authorization_code"))
            return OAuthResponse.Error(400, "unsupported_grant_type", "The grant type in the request isn't supported.");

        var origin = RequestUrls.Origin(http.Request);
        var issuer = server.IssuerFor(origin);
        var tokenEndpoint = issuer + "/v1/token";
        var assertion = form["client_assertion"];
        var hasSecret = form["client_secret"] is not null || http.Request.Headers.Authorization.Count > 0;
        if (assertion is not null && hasSecret)
            return OAuthResponse.Error(400, "invalid_request", "Can't supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a `client_assertion` in the post body.");
        if (hasSecret)
            return OAuthResponse.Error(401, "invalid_client", "Client authentication with a client secret isn't allowed for this client: use private_key_jwt.");
        if (grantType == "authorization_code" && assertion is null)
            return await codes.RedeemAsync(server, form, origin, clientApp: null, http);
        if (assertion is null) return OAuthResponse.Error(401, "invalid_client", "No client credentials found");
        if (form["client_assertion_type"] != ClientAssertionValidator.AssertionType)
            return OAuthResponse.Error(400, "invalid_request", "The `client_assertion_type` is invalid.");
        var client = await assertions.AuthenticateAsync(assertion, form["client_id"], tokenEndpoint, issuer);
        if (client.App is not { } app) return OAuthResponse.Error(401, "invalid_client", client.Failure!);
        if (server.AllowedClientIds.Count > 0 && !server.AllowedClientIds.Contains(app.ClientId))
            return OAuthResponse.Error(400, "access_denied", "Policy evaluation failed for this request, please check the policy configurations.");
        if (grantType == "authorization_code") return await codes.RedeemAsync(server, form, origin, app, http);

        var (scopes, scopeProblem) = RequestedScopes(server, form["scope"]);
        if (scopes is null) return OAuthResponse.Error(400, "invalid_scope", scopeProblem!);
        if (grantType == ServerMetadata.TokenExchangeGrant && ExchangeProblem(server, form) is { } exchangeProblem) return exchangeProblem;

        var (jkt, refusal) = await binding.CheckAsync(app.RequireDpop, http, tokenEndpoint);
        if (refusal is not null) return refusal;

        AccessTokenClaims claims;
        if (grantType == "client_credentials")
        {
            claims = new AccessTokenClaims(app.ClientId, app.ClientId, null, scopes, ActOf(assertion), jkt);
        }
        else
        {
            var subject = await subjects.ValidateAsync(form["subject_token"]!, origin, server, app.ClientId);
            if (subject.Person is not { } person) return OAuthResponse.Error(400, "invalid_grant", subject.Failure!);
            // Okta's default sub for a person's access token is the login (appuser.userName); uid carries the user id.
            claims = new AccessTokenClaims(person.Login, app.ClientId, person.Id, scopes, new JsonObject { ["sub"] = app.ClientId }, jkt);
        }
        var token = server.IssueAccessToken(origin, claims);
        stats.TokenIssued();
        var body = new JsonObject
        {
            ["token_type"] = jkt is null ? "Bearer" : "DPoP",
            ["expires_in"] = (long)Math.Max(1, Math.Ceiling(server.AccessTokenLifetime.TotalSeconds)),
            ["access_token"] = token,
            ["scope"] = string.Join(' ', scopes),
        };
        if (grantType == ServerMetadata.TokenExchangeGrant) body["issued_token_type"] = AccessTokenType;
        return new OAuthResponse(200, body);
    }

    /// <summary>The requested scopes, all defined on the server; or the <c>invalid_scope</c> description.</summary>
    private static (List<string>? Scopes, string? Problem) RequestedScopes(CustomAuthorizationServer server, string? scope)
    {
        var requested = (scope ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (requested.Count == 0) return (null, "No scopes were requested.");
        if (requested.Count > MaxScopes) return (null, "Too many scopes were requested.");
        if (requested.Any(s => !server.Scopes.Contains(s))) return (null, "One or more scopes are not configured for the authorization server resource.");
        return (requested, null);
    }

    /// <summary>Why a token exchange request is malformed, or null: only an ID token for this server's audience can be exchanged.</summary>
    private static OAuthResponse? ExchangeProblem(CustomAuthorizationServer server, TokenRequestForm form)
    {
        if (form["subject_token"] is null) return OAuthResponse.Error(400, "invalid_request", "The 'subject_token' parameter is required.");
        if (form["subject_token_type"] != IdTokenType)
            return OAuthResponse.Error(400, "invalid_request", $"The 'subject_token_type' is not supported: use {IdTokenType}.");
        if (form["actor_token"] is not null || form["actor_token_type"] is not null)
            return OAuthResponse.Error(400, "invalid_request", "The 'actor_token' parameter is not supported: the authenticated client is the actor.");
        if (form["requested_token_type"] is { } requested && requested != AccessTokenType)
            return OAuthResponse.Error(400, "invalid_request", $"The 'requested_token_type' is not supported: use {AccessTokenType}.");
        if (form["audience"] is { } audience && audience != server.Audience)
            return OAuthResponse.Error(400, "invalid_target", "The 'audience' is not the audience of this authorization server.");
        return null;
    }

    /// <summary>The assertion's <c>act</c> claim as it is (Okta's custom claim <c>clientAssertion.claims.act</c>), or null.</summary>
    private static JsonNode? ActOf(string assertion)
    {
        var jwt = Jws.Parse(assertion);
        return jwt is not null && jwt.TryGetPayloadValue<JsonElement>("act", out var act) ? JsonNode.Parse(act.GetRawText()) : null;
    }
}
