using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>
/// <c>POST /oauth2/v1/token</c> of the org authorization server for service apps: <c>client_credentials</c> with a
/// <c>private_key_jwt</c> assertion, DPoP-bound tokens with the <c>use_dpop_nonce</c> round, Okta's OAuthError answers.
/// </summary>
internal sealed class TokenEndpoint(
    ServiceAppRegistry apps, ClientAssertionValidator assertions, DpopProofValidator proofs, DpopNonces nonces, AccessTokens tokens,
    SandboxOptions options, SandboxFaults faults, SandboxStats stats)
{
    private const int MaxScopes = 64;

    public void Map(WebApplication app) =>
        // The CancellationToken parameter keeps the lambda off the RequestDelegate overload, which would drop the IResult.
        app.MapPost(RequestUrls.TokenPath, async (HttpContext http, CancellationToken ct) => await HandleAsync(http, ct));

    private async Task<IResult> HandleAsync(HttpContext http, CancellationToken ct)
    {
        stats.TokenRequested();
        if (faults.TakeTokenFailure())
            return OAuthResponse.Error(500, "server_error", "The authorization server encountered an unexpected condition that prevented it from fulfilling the request.");
        if (faults.TakeTokenRejection())
            return OAuthResponse.Error(401, "invalid_client", "The client_assertion signature is invalid.");

        var (form, problem) = await TokenRequestForm.ReadAsync(http.Request, ct);
        if (form is null) return OAuthResponse.Error(400, "invalid_request", problem!);
        var grantType = form["grant_type"];
        if (grantType is null) return OAuthResponse.Error(400, "invalid_request", "The 'grant_type' parameter is required.");
        if (grantType != "client_credentials") return OAuthResponse.Error(400, "unsupported_grant_type", "The grant type in the request isn't supported.");

        var assertion = form["client_assertion"];
        var hasSecret = form["client_secret"] is not null || http.Request.Headers.Authorization.Count > 0;
        if (assertion is not null && hasSecret)
            return OAuthResponse.Error(400, "invalid_request", "Can't supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a `client_assertion` in the post body.");
        RegisteredApp app;
        if (hasSecret)
        {
            var (secretApp, failure) = SecretClient(http.Request, form);
            if (secretApp is null) return OAuthResponse.Error(401, "invalid_client", failure!);
            app = secretApp;
        }
        else
        {
            if (assertion is null) return OAuthResponse.Error(401, "invalid_client", "No client credentials found");
            if (form["client_assertion_type"] != ClientAssertionValidator.AssertionType)
                return OAuthResponse.Error(400, "invalid_request", "The `client_assertion_type` is invalid.");
            var client = await assertions.AuthenticateAsync(assertion, form["client_id"], RequestUrls.TokenEndpoint(http.Request));
            if (client.App is not { } asserted) return OAuthResponse.Error(401, "invalid_client", client.Failure!);
            app = asserted;
        }

        var requested = (form["scope"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (requested.Count == 0) return OAuthResponse.Error(400, "invalid_scope", "No scopes were requested.");
        if (requested.Count > MaxScopes) return OAuthResponse.Error(400, "invalid_scope", "Too many scopes were requested.");
        var notGranted = requested.Where(s => !app.GrantedScopes.Contains(s)).ToList();
        if (notGranted.Count > 0)
            return OAuthResponse.Error(400, "invalid_scope", $"The following scopes are not allowed: [{string.Join(", ", notGranted.Select(Printable))}]");

        string? jkt = null;
        // As in Okta, an app that does not require DPoP ignores a proof and gets a Bearer token.
        if (app.RequireDpop)
        {
            var proof = await proofs.CheckAsync(http.Request.Headers["DPoP"], new DpopExpectations("POST", RequestUrls.TokenEndpoint(http.Request), nonces));
            switch (proof.Kind)
            {
                case DpopOutcomeKind.Invalid:
                    return OAuthResponse.Error(400, "invalid_dpop_proof", proof.Description!);
                case DpopOutcomeKind.NonceRequired:
                    return OAuthResponse.Error(400, "use_dpop_nonce", proof.Description!, nonces.Current());
            }
            jkt = proof.Jkt;
        }

        var lifetime = options.AccessTokenLifetime;
        var (token, _) = tokens.Issue(app.ClientId, requested, jkt, lifetime);
        stats.TokenIssued();
        return new OAuthResponse(200, new JsonObject
        {
            ["token_type"] = jkt is null ? "Bearer" : "DPoP",
            ["expires_in"] = (long)Math.Max(1, Math.Ceiling(lifetime.TotalSeconds)),
            ["access_token"] = token,
            ["scope"] = string.Join(' ', requested),
        });
    }

    /// <summary>
    /// <c>client_secret_basic</c> (RFC 6749 §2.3.1: Basic over the form-urlencoded id and secret), accepted only for an app
    /// registered with a secret (an API service integration); any other secret-based request is refused as Okta refuses it.
    /// </summary>
    private (RegisteredApp? App, string? Failure) SecretClient(HttpRequest request, TokenRequestForm form)
    {
        const string Failed = "Client authentication failed. Either the client or the client credentials are invalid.";
        var header = request.Headers.Authorization;
        if (form["client_secret"] is not null || header.Count != 1 || header[0] is not { Length: <= 4096 } value || !value.StartsWith("Basic ", StringComparison.Ordinal))
            return (null, "Client authentication with a client secret isn't allowed for this client: use private_key_jwt.");
        string pair;
        try
        {
            pair = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(value[6..].Trim()));
        }
        catch (FormatException)
        {
            return (null, Failed);
        }
        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0) return (null, Failed);
        var clientId = Uri.UnescapeDataString(pair[..colon].Replace('+', ' '));
        var secret = Uri.UnescapeDataString(pair[(colon + 1)..].Replace('+', ' '));
        var app = apps.Find(clientId);
        if (app is null) return (null, Failed);
        if (app.ClientSecret is null) return (null, "Client authentication with a client secret isn't allowed for this client: use private_key_jwt.");
        var matches = System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes(app.ClientSecret));
        return matches ? (app, null) : (null, Failed);
    }

    /// <summary>A requested scope fit to echo back.</summary>
    private static string Printable(string scope) =>
        new(scope.Take(64).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':' ? c : '?').ToArray());
}
