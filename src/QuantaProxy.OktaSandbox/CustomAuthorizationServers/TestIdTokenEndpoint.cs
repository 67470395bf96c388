using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.CustomAuthorizationServers;

/// <summary>
/// Sandbox-only, not an Okta endpoint: <c>POST /oauth2/{id}/v1/test-id-token</c> signs a person in without a browser and answers
/// <c>{"id_token": "..."}</c>, for tests outside .NET (a .NET test calls <see cref="CustomAuthorizationServer.IssueIdToken"/>).
/// It takes the org's SSWS API token, so only whoever administers the sandbox can mint sign-ins.
/// </summary>
internal static class TestIdTokenEndpoint
{
    public const string Path = "/oauth2/{serverId}/v1/test-id-token";
    private const int MaxBodyBytes = 16 * 1024;
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(1);

    public static void Map(WebApplication app, CustomServerSet servers, IReadOnlyList<byte[]> apiTokens, TimeProvider clock) =>
        // The CancellationToken parameter keeps the lambda off the RequestDelegate overload, which would drop the IResult.
        app.MapPost(Path, async (string serverId, HttpContext http, CancellationToken ct) =>
        {
            if (!Authorized(http.Request.Headers.Authorization.FirstOrDefault(), apiTokens))
            {
                http.Response.Headers.WWWAuthenticate = "SSWS realm=\"sandbox\"";
                return OktaErrors.Error(401, "E0000011", "Invalid token provided");
            }
            if (servers.Find(serverId) is not { } server) return CustomServerSet.NotFound(serverId);
            var (body, bodyProblem) = await BoundedBody.ReadObjectAsync(http.Request, MaxBodyBytes, ct);
            if (body is null) return bodyProblem!;
            var user = Text(body["user"]);
            var clientId = Text(body["client_id"]);
            var causes = new List<string>();
            if (string.IsNullOrEmpty(user)) causes.Add("user: The field cannot be left blank");
            if (string.IsNullOrEmpty(clientId)) causes.Add("client_id: The field cannot be left blank");
            TimeSpan? lifetime = null;
            if (body["expires_in"] is JsonValue seconds)
            {
                if (!seconds.TryGetValue<long>(out var s) || s < 1 || s > MaxLifetime.TotalSeconds) causes.Add("expires_in: must be 1 to 86400 seconds");
                else lifetime = TimeSpan.FromSeconds(s);
            }
            if (causes.Count > 0) return OktaErrors.Invalid([.. causes]);
            var person = server.FindSignInUser(user!, out var problem);
            if (person is null) return OktaErrors.Invalid($"user: {problem}");
            var origin = $"{http.Request.Scheme}://{http.Request.Host.Value}";
            var token = server.IssueIdToken(origin, person, clientId!, lifetime ?? server.IdTokenLifetime, clock.GetUtcNow(), Text(body["nonce"]));
            return Results.Content(new JsonObject { ["id_token"] = token }.ToJsonString(), "application/json");
        });

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool Authorized(string? header, IReadOnlyList<byte[]> tokens)
    {
        if (header is null || !header.StartsWith("SSWS ", StringComparison.Ordinal)) return false;
        var presented = Encoding.UTF8.GetBytes(header[5..]);
        var ok = false;
        foreach (var token in tokens) ok |= CryptographicOperations.FixedTimeEquals(token, presented);
        return ok;
    }
}
