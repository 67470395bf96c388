using System.Buffers.Text;
using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using QuantaProxy.OktaSandbox.CustomAuthorizationServers;

namespace QuantaProxy.OktaSandbox;

/// <summary>What goes into one access token besides the server's own claims.</summary>
/// <param name="Subject"><c>sub</c>: the client id (an agent alone, or AGBAC) or the person's login (token exchange).</param>
/// <param name="UserId"><c>uid</c>: the person's Okta user id when the token is a person's.</param>
/// <param name="Act">The <c>act</c> claim, copied as it is; null for none.</param>
/// <param name="Jkt">The DPoP key thumbprint (<c>cnf.jkt</c>); null for a Bearer token.</param>
internal sealed record AccessTokenClaims(string Subject, string ClientId, string? UserId, IReadOnlyList<string> Scopes, JsonNode? Act, string? Jkt);

/// <summary>
/// A running custom authorization server: its issuer, its signing keys (rotatable by tests), and the tokens it mints. Get one from
/// <see cref="OktaSandboxServer.AuthorizationServer"/>.
/// </summary>
public sealed class CustomAuthorizationServer
{
    /// <summary>Scopes every server knows besides its custom ones (OpenID Connect).</summary>
    public static IReadOnlyList<string> OpenIdScopes { get; } = ["openid", "profile", "email", "groups"];

    private const int MaxIdLength = 64;
    private readonly OrgState _org;
    private readonly TimeProvider _clock;
    private string _origin = "http://sandbox.invalid";

    internal CustomAuthorizationServer(SandboxAuthorizationServer config, OrgState org, TimeProvider clock)
    {
        Check(config);
        _org = org;
        _clock = clock;
        Id = config.Id;
        Name = config.Name;
        Audience = config.Audience;
        Scopes = config.Scopes.Distinct(StringComparer.Ordinal).ToFrozenSet(StringComparer.Ordinal);
        AllowedClientIds = config.AllowedClientIds.ToFrozenSet(StringComparer.Ordinal);
        AccessTokenLifetime = config.AccessTokenLifetime;
        IdTokenLifetime = config.IdTokenLifetime;
        RequireSubjectTokenIssuedToClient = config.RequireSubjectTokenIssuedToClient;
        OidcClients = config.OidcClients.ToFrozenDictionary(c => c.ClientId, c => (IReadOnlySet<string>)c.RedirectUris.ToFrozenSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    public string Id { get; }
    public string Name { get; }
    public string Audience { get; }

    /// <summary>The custom scopes clients may request.</summary>
    public IReadOnlySet<string> Scopes { get; }

    /// <summary>The clients the access policy admits; empty for every registered client.</summary>
    public IReadOnlySet<string> AllowedClientIds { get; }

    public TimeSpan AccessTokenLifetime { get; }
    public TimeSpan IdTokenLifetime { get; }
    public bool RequireSubjectTokenIssuedToClient { get; }

    /// <summary>Browser apps by client id, with their redirect URIs.</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> OidcClients { get; }

    /// <summary><c>{orgUrl}/oauth2/{id}</c>: the <c>iss</c> of its tokens when the org is addressed by its <see cref="OktaSandboxServer.BaseAddress"/>.</summary>
    public Uri Issuer => new(IssuerFor(_origin));

    public Uri MetadataUrl => new(IssuerFor(_origin) + "/.well-known/oauth-authorization-server");
    public Uri OpenIdConfigurationUrl => new(IssuerFor(_origin) + "/.well-known/openid-configuration");
    public Uri JwksUrl => new(IssuerFor(_origin) + "/v1/keys");
    public Uri TokenEndpoint => new(IssuerFor(_origin) + "/v1/token");

    /// <summary>The kid that signs new tokens.</summary>
    public string ActiveSigningKeyId => Keys.ActiveKeyId;

    /// <summary>Every kid the JWKS lists, the active one last.</summary>
    public IReadOnlyList<string> SigningKeyIds => Keys.KeyIds;

    internal SigningKeySet Keys { get; } = new();

    /// <summary>
    /// Key rotation for tests: a new RSA key with a new kid signs from now on. With <paramref name="keepPrevious"/> the old keys
    /// stay in the JWKS (tokens they signed still verify); without, they are gone and those tokens no longer verify.
    /// </summary>
    /// <returns>The new kid.</returns>
    public string RotateSigningKey(bool keepPrevious = true) => Keys.Rotate(keepPrevious);

    /// <summary>
    /// Test-only sign-in: an RS256 ID token for an ACTIVE user of the org, as this server would issue after the person signed in
    /// to <paramref name="clientId"/>: <c>iss</c> this server, <c>aud</c> the client, <c>sub</c> the user id,
    /// <c>preferred_username</c> the login, <c>groups</c> the user's group names.
    /// </summary>
    /// <param name="issuedAt">Defaults to now; a time in the past (with a short <paramref name="lifetime"/>) makes an expired token.</param>
    /// <exception cref="ArgumentException">No such user, or the user is not ACTIVE (Okta would not sign them in).</exception>
    public string IssueIdToken(string userIdOrLogin, string clientId, TimeSpan? lifetime = null, DateTimeOffset? issuedAt = null, string? nonce = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userIdOrLogin);
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        var person = FindSignInUser(userIdOrLogin, out var problem) ?? throw new ArgumentException(problem, nameof(userIdOrLogin));
        return IssueIdToken(_origin, person, clientId, lifetime ?? IdTokenLifetime, issuedAt ?? _clock.GetUtcNow(), nonce);
    }

    /// <summary>The user who may sign in, or null and why not.</summary>
    internal PersonSnapshot? FindSignInUser(string userIdOrLogin, out string? problem)
    {
        var person = OrgDirectory.Find(_org, userIdOrLogin);
        problem = person is null ? "no such user in the sandbox org" : person.Status != "ACTIVE" ? $"the user is {person.Status}, not ACTIVE" : null;
        return problem is null ? person : null;
    }

    internal OrgState Org => _org;

    internal string IssuerFor(string origin) => origin + "/oauth2/" + Id;

    internal void SetOrigin(Uri baseAddress) => _origin = baseAddress.GetLeftPart(UriPartial.Authority);

    internal string IssueIdToken(string origin, PersonSnapshot person, string clientId, TimeSpan lifetime, DateTimeOffset issuedAt, string? nonce)
    {
        var iat = issuedAt.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["sub"] = person.Id,
            ["name"] = person.Name,
            ["email"] = person.Email,
            ["ver"] = 1,
            ["iss"] = IssuerFor(origin),
            ["aud"] = clientId,
            ["iat"] = iat,
            ["exp"] = iat + (long)Math.Max(1, lifetime.TotalSeconds),
            ["jti"] = "ID." + RandomId(),
            ["amr"] = new JsonArray("pwd"),
            ["idp"] = "00osandboxidp0000000",
            ["auth_time"] = iat,
            ["preferred_username"] = person.Login,
            ["groups"] = new JsonArray(person.Groups.Select(g => (JsonNode)JsonValue.Create(g)).ToArray()),
        };
        if (nonce is not null) claims["nonce"] = nonce;
        return Keys.Sign(claims);
    }

    /// <summary>An access token in Okta's shape: <c>ver, jti, iss, aud, iat, exp, cid, uid, scp, sub</c>, then <c>act</c> and <c>cnf</c>.</summary>
    internal string IssueAccessToken(string origin, AccessTokenClaims token)
    {
        var iat = _clock.GetUtcNow().ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["ver"] = 1,
            ["jti"] = "AT." + RandomId(),
            ["iss"] = IssuerFor(origin),
            ["aud"] = Audience,
            ["iat"] = iat,
            ["exp"] = iat + (long)Math.Max(1, AccessTokenLifetime.TotalSeconds),
            ["cid"] = token.ClientId,
        };
        if (token.UserId is not null) claims["uid"] = token.UserId;
        claims["scp"] = new JsonArray(token.Scopes.Select(s => (JsonNode)JsonValue.Create(s)).ToArray());
        claims["sub"] = token.Subject;
        if (token.Act is not null) claims["act"] = token.Act.DeepClone();
        if (token.Jkt is not null) claims["cnf"] = new JsonObject { ["jkt"] = token.Jkt };
        return Keys.Sign(claims);
    }

    private static string RandomId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));

    private static void Check(SandboxAuthorizationServer config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrEmpty(config.Id) || config.Id.Length > MaxIdLength || !config.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"an authorization server id must be 1 to {MaxIdLength} letters, digits, '-' or '_'", nameof(config));
        if (config.Id == "v1") throw new ArgumentException("'v1' is the org authorization server's path, not a custom server id", nameof(config));
        if (string.IsNullOrWhiteSpace(config.Audience) || config.Audience.Length > 1024)
            throw new ArgumentException($"authorization server {config.Id} needs an audience of at most 1024 characters", nameof(config));
        if (config.AccessTokenLifetime <= TimeSpan.Zero || config.IdTokenLifetime <= TimeSpan.Zero)
            throw new ArgumentException($"authorization server {config.Id}: token lifetimes must be positive", nameof(config));
        foreach (var scope in config.Scopes)
            if (string.IsNullOrEmpty(scope) || scope.Length > 256 || scope.Any(c => c <= ' ' || c == '"' || c == '\\' || c > '~'))
                throw new ArgumentException($"authorization server {config.Id}: scope names are 1 to 256 printable ASCII characters without spaces, quotes or backslashes", nameof(config));
        foreach (var client in config.OidcClients)
        {
            if (client is null || string.IsNullOrWhiteSpace(client.ClientId) || client.ClientId.Length > 256)
                throw new ArgumentException($"authorization server {config.Id}: an OIDC client needs a client id of at most 256 characters", nameof(config));
            if (client.RedirectUris.Count == 0 || client.RedirectUris.Any(u => !Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Fragment.Length > 0))
                throw new ArgumentException($"authorization server {config.Id}: OIDC client {client.ClientId} needs absolute redirect URIs without fragments", nameof(config));
        }
        if (config.OidcClients.Select(c => c.ClientId).Distinct(StringComparer.Ordinal).Count() != config.OidcClients.Count)
            throw new ArgumentException($"authorization server {config.Id}: an OIDC client is configured twice", nameof(config));
    }

    /// <summary>Disposes the signing keys when the sandbox stops (the sandbox owns the server, not its callers).</summary>
    internal void Release() => Keys.Dispose();
}
