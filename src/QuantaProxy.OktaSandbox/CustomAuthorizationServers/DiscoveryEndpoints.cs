using System.Text.Json.Nodes;
using QuantaProxy.OktaSandbox.OAuth;

namespace QuantaProxy.OktaSandbox.CustomAuthorizationServers;

/// <summary>A custom server's public documents: OAuth 2.0 and OpenID Connect metadata, and its JWKS.</summary>
internal static class DiscoveryEndpoints
{
    /// <summary>Short, so a resource server that honours it sees a rotation soon; Okta's is days.</summary>
    private const string KeysCacheControl = "max-age=60, must-revalidate";

    public static void Map(WebApplication app, CustomServerSet servers)
    {
        app.MapGet("/oauth2/{serverId}/.well-known/oauth-authorization-server", (string serverId, HttpContext http) =>
            With(servers, serverId, s => Json(ServerMetadata.OAuth(s, RequestUrls.Origin(http.Request)))));
        app.MapGet("/oauth2/{serverId}/.well-known/openid-configuration", (string serverId, HttpContext http) =>
            With(servers, serverId, s => Json(ServerMetadata.OpenId(s, RequestUrls.Origin(http.Request)))));
        app.MapGet("/oauth2/{serverId}/v1/keys", (string serverId, HttpContext http) => With(servers, serverId, s =>
        {
            http.Response.Headers.CacheControl = KeysCacheControl;
            return Json(s.Keys.Jwks());
        }));
    }

    private static IResult With(CustomServerSet servers, string id, Func<CustomAuthorizationServer, IResult> then) =>
        servers.Find(id) is { } server ? then(server) : CustomServerSet.NotFound(id);

    private static IResult Json(JsonObject body) => Results.Content(body.ToJsonString(), "application/json");
}
