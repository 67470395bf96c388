using System.Text.Json.Nodes;
using QuantaProxy.OktaSandbox.OAuth;

namespace QuantaProxy.OktaSandbox.CustomAuthorizationServers;

/// <summary>
/// A custom server's discovery documents (Okta's <c>OAuthMetadata</c> and <c>OidcMetadata</c>), listing only what the sandbox
/// serves: the authorize, token and keys endpoints, private_key_jwt, DPoP and PKCE S256.
/// </summary>
internal static class ServerMetadata
{
    public const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";

    public static JsonObject OAuth(CustomAuthorizationServer server, string origin)
    {
        var issuer = server.IssuerFor(origin);
        return new JsonObject
        {
            ["issuer"] = issuer,
            ["authorization_endpoint"] = issuer + "/v1/authorize",
            ["token_endpoint"] = issuer + "/v1/token",
            ["jwks_uri"] = issuer + "/v1/keys",
            ["response_types_supported"] = Array("code"),
            ["response_modes_supported"] = Array("query"),
            ["grant_types_supported"] = Array("authorization_code", "client_credentials", TokenExchangeGrant),
            ["subject_types_supported"] = Array("public"),
            ["scopes_supported"] = Array([.. CustomAuthorizationServer.OpenIdScopes, .. server.Scopes.Order(StringComparer.Ordinal)]),
            ["token_endpoint_auth_methods_supported"] = Array("private_key_jwt"),
            ["claims_supported"] = Array("ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub", "act", "cnf"),
            ["code_challenge_methods_supported"] = Array("S256"),
            ["request_parameter_supported"] = false,
            ["dpop_signing_alg_values_supported"] = Array(PublicJwk.Algorithms),
        };
    }

    public static JsonObject OpenId(CustomAuthorizationServer server, string origin)
    {
        var metadata = OAuth(server, origin);
        metadata["claims_supported"] = Array("ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "scp", "sub", "act", "cnf",
            "name", "email", "preferred_username", "auth_time", "amr", "idp", "nonce", "groups");
        metadata["id_token_signing_alg_values_supported"] = Array("RS256");
        return metadata;
    }

    private static JsonArray Array(params string[] values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
}
