using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using QuantaProxy.OktaSandbox.OAuth;

namespace QuantaProxy.OktaSandbox;

/// <summary>
/// An API service app registered in the sandbox org: it gets tokens from the org authorization server with
/// <c>client_credentials</c> and a <c>private_key_jwt</c> client assertion (RFC 7523), and by default must bind them with DPoP
/// (RFC 9449), as Okta requires of new API service apps.
/// </summary>
public sealed class SandboxServiceApp
{
    /// <summary>The Okta scopes QuantaProxy's operation catalog needs; granted to an app unless <see cref="GrantedScopes"/> says otherwise.</summary>
    public static IReadOnlyList<string> DefaultScopes { get; } =
        [
            "okta.users.read", "okta.users.manage", "okta.groups.read", "okta.groups.manage", "okta.apps.read", "okta.logs.read",
            "okta.roles.read", "okta.policies.read", "okta.appGrants.read", "okta.eventHooks.read", "okta.authorizationServers.read",
            "okta.trustedOrigins.read", "okta.networkZones.read", "okta.idps.read", "okta.authenticators.read",
        ];

    public required string ClientId { get; set; }

    /// <summary>
    /// An OIN API service integration's client secret: the app then authenticates with <c>client_secret_basic</c> (as Okta
    /// lets such integrations do) instead of a client assertion. Null for a service app with keys only.
    /// </summary>
    public string? ClientSecret { get; set; }

    /// <summary>The app's public keys (its JWKS in Okta); client assertions must be signed by one of them.</summary>
    public List<JsonWebKey> Keys { get; } = [];

    /// <summary>The Okta API scopes granted to the app: a token request may ask only for these.</summary>
    public IReadOnlyCollection<string> GrantedScopes { get; set; } = DefaultScopes;

    /// <summary>Okta's "Require DPoP header in token requests": without a proof the token request is refused.</summary>
    public bool RequireDpop { get; set; } = true;

    /// <summary>
    /// Okta refuses an assertion whose header has no <c>kid</c> ("The client_assertion JWT kid is invalid."); set false to
    /// accept a kid-less assertion signed by any of <see cref="Keys"/>.
    /// </summary>
    public bool RequireKid { get; set; } = true;

    /// <summary>An app with every default scope and DPoP required, whose public keys are the JWKS document <paramref name="jwksJson"/>.</summary>
    /// <exception cref="ArgumentException">The document is not a JWKS of public RSA (2048 bits or more) or EC keys.</exception>
    public static SandboxServiceApp FromJwks(string clientId, string jwksJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clientId);
        ArgumentNullException.ThrowIfNull(jwksJson);
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(jwksJson);
        }
        catch (Exception e) when (e is ArgumentException or JsonException)
        {
            // The library's message may quote the document; say only what is wrong.
            throw new ArgumentException("the JWKS is not a JSON Web Key Set ({\"keys\":[...]})", nameof(jwksJson));
        }
        var app = new SandboxServiceApp { ClientId = clientId };
        app.Keys.AddRange(set.Keys);
        ServiceAppRegistry.Check(app);
        return app;
    }
}
