using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.OktaSandbox.Tests;

/// <summary>Validates a sandbox JWT the way a resource server would: signature against the server's published JWKS, issuer, audience, lifetime.</summary>
internal static class JwtAssertions
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>The validated token's claims as JSON (payload), failing the test when validation fails.</summary>
    public static async Task<JsonObject> ValidateAsync(HttpClient http, CustomAuthorizationServer server, string token, string audience)
    {
        var result = await TryValidateAsync(http, server, token, audience);
        Assert.That(result.IsValid, Is.True, result.Exception?.Message);
        return Payload(token);
    }

    public static async Task<TokenValidationResult> TryValidateAsync(HttpClient http, CustomAuthorizationServer server, string token, string audience)
    {
        var jwks = new JsonWebKeySet(await http.GetStringAsync(server.JwksUrl));
        return await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = server.Issuer.AbsoluteUri.TrimEnd('/'),
            ValidAudience = audience,
            IssuerSigningKeys = jwks.Keys,
            ValidAlgorithms = ["RS256"],
            ClockSkew = TimeSpan.Zero,
        });
    }

    public static JsonObject Payload(string token) => JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[1]))!.AsObject();

    public static JsonObject Header(string token) => JsonNode.Parse(Base64UrlEncoder.Decode(token.Split('.')[0]))!.AsObject();
}
