namespace QuantaProxy.OktaSandbox;

/// <summary>
/// A custom authorization server of the sandbox org (Okta's <c>/oauth2/{authorizationServerId}</c>): its own issuer, audience,
/// scopes, RS256 signing keys and access policy. Agents (service apps from <see cref="SandboxOptions.ServiceApps"/> or
/// registered later) get JWT access tokens from it with <c>client_credentials</c> or token exchange.
/// </summary>
public sealed class SandboxAuthorizationServer
{
    /// <summary>The id in the issuer URL, e.g. <c>aus1agents00000000000</c> or <c>default</c>.</summary>
    public required string Id { get; set; }

    public string Name { get; set; } = "Sandbox authorization server";

    /// <summary>The <c>aud</c> of every access token this server issues (Okta: one audience per server, fixed at creation).</summary>
    public string Audience { get; set; } = "api://default";

    /// <summary>The custom scopes clients may request. <c>openid</c>, <c>profile</c>, <c>email</c> and <c>groups</c> are always known too.</summary>
    public List<string> Scopes { get; } = [];

    /// <summary>The access policy: which client ids may get tokens. Empty: every registered service app.</summary>
    public List<string> AllowedClientIds { get; } = [];

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan IdTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Token exchange: the subject ID token's <c>aud</c> must be the client that presents it (as Okta's AI agent exchange requires of
    /// the ID token it turns into an ID-JAG). Set false to accept an ID token issued to another app of the org.
    /// </summary>
    public bool RequireSubjectTokenIssuedToClient { get; set; } = true;

    /// <summary>Browser apps that may use <c>/v1/authorize</c> (authorization code + PKCE) at this server.</summary>
    public List<SandboxOidcClient> OidcClients { get; } = [];
}
