using System.Net.Http.Json;
using System.Text.Json;
using QuantaProxy.OktaSandbox;
using System.Text.Json.Nodes;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>
/// An Okta service app for the (c′) cell: an RSA key pair whose public JWKS the sandbox registers and whose private JWK is
/// sealed in the gateway as a <c>private_key_jwt</c> credential, so that cell measures DPoP proofs and the token cache.
/// </summary>
internal sealed class ServiceApp : IDisposable
{
    public const string ClientId = "0oaloadbenchmark";
    private readonly ServiceAppKeyPair _key = new("load-1");

    /// <summary>Writes the public JWKS the sandbox's <c>--service-app-jwks</c> reads.</summary>
    public string WriteJwks(string folder)
    {
        var path = Path.Combine(folder, "service-app.jwks.json");
        File.WriteAllText(path, _key.PublicJwksJson());
        return path;
    }

    /// <summary>Seals the private key in the gateway and creates an integration that uses it; returns the integration id.</summary>
    public async Task<string> ProvisionAsync(HttpClient http, Uri gateway, string apiKey, Uri okta)
    {
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        async Task<JsonNode> Post(string path, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, path)) { Content = JsonContent.Create(body, options: options) };
            request.Headers.Add("X-API-Key", apiKey);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {text}");
            return JsonNode.Parse(text)!;
        }
        var credential = await Post("/api/v2/vault/seal", new
        {
            credential_type = "private_key_jwt", name = "okta-service-app",
            secret = _key.CredentialSecret(ClientId),
        });
        var integration = await Post("/api/v2/integrations", new
        {
            system_type = "okta", name = "bench-service-app", okta_domain = okta.ToString().TrimEnd('/'),
            credential_id = credential["credential_id"]!.GetValue<string>(), scopes = new[] { "okta.users.read" }, allowed_operations = new[] { "list_users" },
        });
        return integration["integration_id"]!.GetValue<string>();
    }

    public void Dispose() => _key.Dispose();
}
