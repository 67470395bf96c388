using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>The app a client assertion authenticated, or why it did not (an <c>invalid_client</c> description).</summary>
internal sealed record ClientAuthentication(RegisteredApp? App, string? Failure)
{
    public static ClientAuthentication Refused(string description) => new(null, description);
}

/// <summary>
/// <c>private_key_jwt</c> client authentication (RFC 7523 §3, Okta's "JWT with private key"): <c>iss = sub = client_id</c>,
/// <c>aud</c> the token endpoint, <c>exp</c> at most an hour away, a <c>jti</c> never seen before, signed by one of the app's keys.
/// </summary>
internal sealed class ClientAssertionValidator(IClientDirectory apps, ReplayCache replays, TimeProvider clock)
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>Okta refuses assertions that expire more than an hour ahead.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);

    /// <summary>Tolerance for the client's clock on exp, nbf and iat.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private const int MaxJtiLength = 256;
    public const string InvalidClientId = "Invalid value for the `client_id` parameter";

    /// <summary>Authenticates the client; on success the assertion's jti is spent, so the same assertion is refused next time.</summary>
    /// <param name="clientIdParameter">The request's <c>client_id</c> parameter, which is optional but must match when present.</param>
    /// <param name="tokenEndpoint">The URL the request was sent to: the audience accepted.</param>
    /// <param name="issuerAudience">A custom authorization server's issuer, which Okta's guides also give as the audience; null at the org server.</param>
    public async Task<ClientAuthentication> AuthenticateAsync(string assertion, string? clientIdParameter, string tokenEndpoint, string? issuerAudience = null)
    {
        var jwt = Jws.Parse(assertion);
        if (jwt is null) return ClientAuthentication.Refused("The client_assertion token is malformed.");
        var issuer = Jws.StringClaim(jwt, "iss");
        var subject = Jws.StringClaim(jwt, "sub");
        if (string.IsNullOrEmpty(issuer) || string.IsNullOrEmpty(subject))
            return ClientAuthentication.Refused("The client_assertion token must contain 'iss' and 'sub' claims.");
        if (!string.Equals(issuer, subject, StringComparison.Ordinal))
            return ClientAuthentication.Refused("The 'iss' and 'sub' claims of the client_assertion token must both be the client_id.");
        var app = apps.Find(subject);
        if (app is null || (clientIdParameter is not null && !string.Equals(clientIdParameter, subject, StringComparison.Ordinal)))
            return ClientAuthentication.Refused(InvalidClientId);

        if (!PublicJwk.Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
            return ClientAuthentication.Refused("The client_assertion JWT alg is invalid.");
        var keys = SigningKeys(app, jwt);
        if (keys.Count == 0) return ClientAuthentication.Refused("The client_assertion JWT kid is invalid.");
        if (!await Jws.VerifiesAsync(jwt, keys, ephemeralKeys: false)) return ClientAuthentication.Refused("The client_assertion signature is invalid.");

        if (!jwt.Audiences.Contains(tokenEndpoint, StringComparer.Ordinal) && (issuerAudience is null || !jwt.Audiences.Contains(issuerAudience, StringComparer.Ordinal)))
            return ClientAuthentication.Refused("The audience claim for client_assertion must be the endpoint invoked for the request.");
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var skew = ClockSkew.TotalSeconds;
        if (Jws.TimeClaim(jwt, "exp") is not { } exp) return ClientAuthentication.Refused("The client_assertion token must contain an 'exp' claim.");
        if (exp + skew <= now) return ClientAuthentication.Refused("The client_assertion token is expired.");
        var iat = Jws.TimeClaim(jwt, "iat");
        if (exp > now + MaxLifetime.TotalSeconds + skew || (iat is { } issued && exp - issued > MaxLifetime.TotalSeconds))
            return ClientAuthentication.Refused("The client_assertion token has an expiration too far into the future.");
        if (Jws.TimeClaim(jwt, "nbf") is { } nbf && nbf > now + skew) return ClientAuthentication.Refused("The client_assertion token is not yet valid.");
        if (iat is { } at && at > now + skew) return ClientAuthentication.Refused("The client_assertion token was issued in the future.");
        var jti = Jws.StringClaim(jwt, "jti");
        if (string.IsNullOrEmpty(jti) || jti.Length > MaxJtiLength) return ClientAuthentication.Refused("The client_assertion token must contain a 'jti' claim.");

        // Kept until the assertion would be refused as expired anyway.
        var keepUntil = DateTimeOffset.FromUnixTimeSeconds((long)Math.Ceiling(exp + skew));
        if (!replays.TryUse("assertion", app.ClientId, jti, keepUntil)) return ClientAuthentication.Refused("The client_assertion token has already been used.");
        return new ClientAuthentication(app, null);
    }

    /// <summary>The key named by the header's kid; with no kid, every key, unless the app requires a kid as Okta does.</summary>
    private static IReadOnlyList<JsonWebKey> SigningKeys(RegisteredApp app, JsonWebToken jwt)
    {
        if (string.IsNullOrEmpty(jwt.Kid)) return app.RequireKid ? [] : app.Keys;
        return app.Keys.Where(k => string.Equals(k.Kid, jwt.Kid, StringComparison.Ordinal)).ToList();
    }
}
