namespace QuantaProxy.OktaSandbox;

/// <summary>
/// A browser (OpenID Connect) app that signs people in at a custom authorization server with the authorization code flow and
/// PKCE S256. Public: it redeems codes with <c>client_id</c> and <c>code_verifier</c>, no client secret.
/// </summary>
public sealed class SandboxOidcClient
{
    public required string ClientId { get; set; }

    /// <summary>Sign-in redirect URIs, matched exactly as Okta matches them.</summary>
    public List<string> RedirectUris { get; } = [];
}
