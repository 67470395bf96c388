using Microsoft.Extensions.Primitives;

namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>
/// Authenticates Management requests that carry an org authorization server token: <c>Authorization: DPoP &lt;token&gt;</c> with
/// a fresh proof bound to the token (RFC 9449 §7), or <c>Bearer &lt;token&gt;</c> for a token issued as Bearer; then enforces
/// the operation's scope from <see cref="ManagementScopes"/>.
/// </summary>
internal sealed class ResourceAuthenticator(AccessTokens tokens, DpopProofValidator proofs)
{
    /// <summary>The <c>HttpContext.Items</c> key under which an authenticated request carries its client id (the System Log's actor).</summary>
    public const string ClientIdItem = "sandbox.oauth.client_id";

    /// <summary>Whether the request uses an OAuth scheme, so that this (and not the SSWS check) decides.</summary>
    public static bool Handles(StringValues authorization) =>
        authorization.Count > 0 && Scheme(authorization[0]) is not null;

    /// <summary>Null when the request may proceed; otherwise the refusal to send.</summary>
    public async Task<IResult?> AuthenticateAsync(HttpContext http)
    {
        var request = http.Request;
        var header = request.Headers.Authorization;
        var scheme = Scheme(header[0])!;
        var operation = ManagementScopes.Find(request.Method, request.Path.Value ?? "");
        var token = header[0]![(scheme.Length + 1)..].Trim();
        if (header.Count > 1 || !IsToken68(token))
            return ResourceChallenge.Unauthorized(request, scheme, operation?.Scope, "invalid_token", ResourceChallenge.InvalidToken);

        var record = tokens.Find(token, out var tokenHash);
        if (record is null) return ResourceChallenge.Unauthorized(request, scheme, operation?.Scope, "invalid_token", ResourceChallenge.InvalidToken);
        if (record.Jkt is null)
        {
            // RFC 9449 §7.1: a DPoP request's proof key must match the token's binding, and a Bearer token has none.
            if (scheme == "DPoP")
                return ResourceChallenge.Unauthorized(request, "Bearer", operation?.Scope, "invalid_token", "The access token is not DPoP-bound: present it with the Bearer scheme.");
        }
        else
        {
            // RFC 9449 §7.2: a DPoP-bound token is never accepted as a bearer token.
            if (scheme != "DPoP")
                return ResourceChallenge.Unauthorized(request, "DPoP", operation?.Scope, "invalid_token", "The access token is DPoP-bound: present it with the DPoP scheme and a DPoP proof.");
            var proof = await proofs.CheckAsync(request.Headers["DPoP"], new DpopExpectations(request.Method, RequestUrls.Target(request), BoundJkt: record.Jkt, AccessTokenHash: tokenHash));
            if (proof.Kind != DpopOutcomeKind.Valid)
                return ResourceChallenge.Unauthorized(request, "DPoP", operation?.Scope, "invalid_dpop_proof", proof.Description!);
        }

        if (operation is not null && !ManagementScopes.IsSatisfiedBy(operation.Scope, record.Scopes))
            return ResourceChallenge.Forbidden(request, record.Jkt is null ? "Bearer" : "DPoP", operation.Scope);
        http.Items[ClientIdItem] = record.ClientId;
        return null;
    }

    /// <summary>"DPoP" or "Bearer" (schemes are case-insensitive, RFC 9110 §11.1), or null for another scheme.</summary>
    private static string? Scheme(string? authorization)
    {
        if (authorization is null) return null;
        if (authorization.StartsWith("DPoP ", StringComparison.OrdinalIgnoreCase)) return "DPoP";
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return "Bearer";
        return null;
    }

    /// <summary>RFC 6750 §2.1 token68, bounded: anything else cannot be a token this server issued.</summary>
    private static bool IsToken68(string token) =>
        token.Length is > 0 and <= AccessTokens.MaxTokenLength
        && token.TrimEnd('=').All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '+' or '/');
}
