using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using QuantaProxy.OktaSandbox.OAuth;

namespace QuantaProxy.OktaSandbox.CustomAuthorizationServers;

/// <summary>One issued authorization code: who signed in, for which app, redirect, scopes, PKCE challenge and nonce.</summary>
internal sealed record PendingCode(string ServerId, string ClientId, string RedirectUri, string UserId, IReadOnlyList<string> Scopes, string Challenge, string? Nonce, DateTimeOffset ExpiresAt);

/// <summary>
/// The OpenID Connect authorization code flow with PKCE S256 (RFC 7636) at <c>/oauth2/{id}/v1/authorize</c>. There is no sign-in
/// page: the person is chosen by the sandbox-only <c>sandbox_user</c> query parameter (or cookie of that name) and consent is
/// automatic. Codes live one minute and are spent by their first redemption, as in Okta.
/// </summary>
internal sealed class AuthorizationCodes(CustomServerSet servers, DpopBinding binding, TimeProvider clock)
{
    public const string UserParameter = "sandbox_user";
    private const int MaxPending = 10_000;
    private const int MaxParameterLength = 2048;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, PendingCode> _pending = new(StringComparer.Ordinal);

    public void Map(WebApplication app) =>
        app.MapGet("/oauth2/{serverId}/v1/authorize", (string serverId, HttpContext http) => Authorize(serverId, http));

    private IResult Authorize(string serverId, HttpContext http)
    {
        if (servers.Find(serverId) is not { } server) return CustomServerSet.NotFound(serverId);
        var query = http.Request.Query;
        if (query.Any(p => p.Value.Count > 1 || (p.Value[0]?.Length ?? 0) > MaxParameterLength))
            return OAuthResponse.Error(400, "invalid_request", "A parameter was sent more than once or is too long.");
        var clientId = query["client_id"].FirstOrDefault();
        var redirectUri = query["redirect_uri"].FirstOrDefault();
        // Until the app and its redirect URI are known, errors are shown, never redirected (RFC 6749 §4.1.2.1).
        if (clientId is null || !server.OidcClients.TryGetValue(clientId, out var redirects))
            return OAuthResponse.Error(400, "invalid_client", "Invalid value for 'client_id' parameter.");
        if (redirectUri is null || !redirects.Contains(redirectUri))
            return OAuthResponse.Error(400, "invalid_request", "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.");
        var state = query["state"].FirstOrDefault();
        IResult Fail(string error, string description) => Redirect(redirectUri, state, ("error", error), ("error_description", description));

        if (query["response_type"].FirstOrDefault() != "code") return Fail("unsupported_response_type", "The response type is not supported by the authorization server. Configured response types: [code].");
        var scopes = (query["scope"].FirstOrDefault() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (!scopes.Contains("openid")) return Fail("invalid_scope", "The authentication request has an invalid 'scope' parameter: it must include openid.");
        if (scopes.Any(s => !server.Scopes.Contains(s) && !CustomAuthorizationServer.OpenIdScopes.Contains(s)))
            return Fail("invalid_scope", "One or more scopes are not configured for the authorization server resource.");
        var challenge = query["code_challenge"].FirstOrDefault();
        if (challenge is null || query["code_challenge_method"].FirstOrDefault() != "S256" || challenge.Length is < 43 or > 128)
            return Fail("invalid_request", "PKCE code challenge is required: send a 'code_challenge' (43 to 128 characters) with 'code_challenge_method' S256.");

        var who = query[UserParameter].FirstOrDefault() ?? http.Request.Cookies[UserParameter];
        if (string.IsNullOrEmpty(who)) return Fail("login_required", "The client specified not to prompt, but the user is not logged in.");
        var person = server.FindSignInUser(who, out _);
        if (person is null) return Fail("access_denied", "User is not assigned to the client application.");

        if (_pending.Count >= MaxPending) Sweep();
        if (_pending.Count >= MaxPending) return Fail("temporarily_unavailable", "Too many pending authorization codes.");
        var code = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        _pending[code] = new PendingCode(server.Id, clientId, redirectUri, person.Id, scopes, challenge, query["nonce"].FirstOrDefault(), clock.GetUtcNow() + Lifetime);
        return Redirect(redirectUri, state, ("code", code));
    }

    /// <summary>The <c>authorization_code</c> grant: the code, its redirect URI and the PKCE verifier; <paramref name="clientApp"/> when the client authenticated.</summary>
    public async Task<IResult> RedeemAsync(CustomAuthorizationServer server, TokenRequestForm form, string origin, RegisteredApp? clientApp, HttpContext http)
    {
        var clientId = clientApp?.ClientId ?? form["client_id"];
        if (clientId is null) return OAuthResponse.Error(401, "invalid_client", "No client credentials found");
        if (form["code"] is not { } code || form["redirect_uri"] is not { } redirectUri || form["code_verifier"] is not { } verifier)
            return OAuthResponse.Error(400, "invalid_request", "The 'code', 'redirect_uri' and 'code_verifier' parameters are required.");
        // Spent before any check, so a code is never redeemed twice however the first attempt ends.
        if (!_pending.TryRemove(code, out var pending) || pending.ExpiresAt <= clock.GetUtcNow() || pending.ServerId != server.Id)
            return OAuthResponse.Error(400, "invalid_grant", "The authorization code is invalid or has expired.");
        if (pending.ClientId != clientId) return OAuthResponse.Error(400, "invalid_grant", "The authorization code was issued to another client.");
        if (pending.RedirectUri != redirectUri) return OAuthResponse.Error(400, "invalid_grant", "The 'redirect_uri' does not match the redirection URI used in the authorization request.");
        var computed = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        if (verifier.Length is < 43 or > 128 || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(pending.Challenge)))
            return OAuthResponse.Error(400, "invalid_grant", "PKCE verification failed.");
        var person = server.FindSignInUser(pending.UserId, out _);
        if (person is null) return OAuthResponse.Error(400, "invalid_grant", "The user is no longer active.");

        var (jkt, refusal) = await binding.CheckAsync(clientApp?.RequireDpop ?? false, http, server.IssuerFor(origin) + "/v1/token");
        if (refusal is not null) return refusal;
        var accessToken = server.IssueAccessToken(origin, new AccessTokenClaims(person.Login, clientId, person.Id, pending.Scopes, null, jkt));
        var idToken = server.IssueIdToken(origin, person, clientId, server.IdTokenLifetime, clock.GetUtcNow(), pending.Nonce);
        return new OAuthResponse(200, new JsonObject
        {
            ["token_type"] = jkt is null ? "Bearer" : "DPoP",
            ["expires_in"] = (long)Math.Max(1, Math.Ceiling(server.AccessTokenLifetime.TotalSeconds)),
            ["access_token"] = accessToken,
            ["scope"] = string.Join(' ', pending.Scopes),
            ["id_token"] = idToken,
        });
    }

    private void Sweep()
    {
        var now = clock.GetUtcNow();
        foreach (var (code, pending) in _pending)
            if (pending.ExpiresAt <= now) _pending.TryRemove(code, out _);
    }

    private static IResult Redirect(string redirectUri, string? state, params (string Name, string Value)[] parameters)
    {
        var url = redirectUri;
        foreach (var (name, value) in parameters) url = QueryHelpers.AddQueryString(url, name, value);
        if (state is not null) url = QueryHelpers.AddQueryString(url, "state", state);
        return Results.Redirect(url);
    }
}
