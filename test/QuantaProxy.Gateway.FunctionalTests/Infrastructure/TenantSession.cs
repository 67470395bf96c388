using System.Text.Json.Nodes;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure;

/// <summary>A provisioned tenant: its id, a tenant API key with every scope, its HMAC key and an envelope key the test holds.</summary>
public sealed record TenantSession(string TenantId, string ApiKey, string ApiKeyId, byte[] HmacKey, byte[] EnvelopeSeed, string EnvelopeKeyId)
{
    public static readonly string[] AllTenantScopes = ["proxy:invoke", "vault:seal", "vault:unseal", "integrations:write", "audit:read", "admin"];

    public static async Task<TenantSession> CreateAsync(GatewayHost host, string name = "acme", string[]? scopes = null)
    {
        var tenant = await host.OkAsync(HttpMethod.Post, "/api/v2/tenants", host.AdminKey, new { name });
        var tenantId = tenant["tenant_id"]!.GetValue<string>();
        var key = await host.OkAsync(HttpMethod.Post, "/api/v2/api-keys", host.AdminKey, new { tenant_id = tenantId, name = "test", scopes = scopes ?? AllTenantScopes });
        var seed = MlKem768.GenerateSeed();
        var publicKey = MlKem768PrivateKey.FromSeed(seed).PublicKey.ToArray();
        var registered = await host.OkAsync(HttpMethod.Post, $"/api/v2/tenants/{tenantId}/envelope-keys", host.AdminKey, new { public_key = Convert.ToBase64String(publicKey) });
        return new TenantSession(tenantId, key["api_key"]!.GetValue<string>(), key["api_key_id"]!.GetValue<string>(),
            Convert.FromBase64String(tenant["hmac_key"]!.GetValue<string>()), seed, registered["key_id"]!.GetValue<string>());
    }

    /// <summary>A sealed SSWS <c>api_key</c> credential and an integration on it that allows only <c>list_users</c>, against <paramref name="okta"/>.</summary>
    public async Task<(string Credential, string Integration)> ListUsersIntegrationAsync(GatewayHost host, Uri okta, string token)
    {
        var credential = (await host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", ApiKey,
            new { credential_type = "api_key", name = "okta", secret = new { token } }))["credential_id"]!.GetValue<string>();
        var integration = (await host.OkAsync(HttpMethod.Post, "/api/v2/integrations", ApiKey, new
        {
            system_type = "okta", name = "sandbox", okta_domain = okta.ToString().TrimEnd('/'), credential_id = credential,
            scopes = new[] { "okta.users.read" }, allowed_operations = new[] { "list_users" },
        }))["integration_id"]!.GetValue<string>();
        return (credential, integration);
    }

    /// <summary>The tenant key bundle of FORMATS.md §4, built from what the tenant kept and the gateway's public keys.</summary>
    public async Task<string> BundleJsonAsync(GatewayHost host)
    {
        var keys = await host.OkAsync(HttpMethod.Get, $"/api/v2/tenants/{TenantId}/keys", ApiKey);
        var envelopeKeys = new JsonArray(new JsonObject
        {
            ["key_id"] = EnvelopeKeyId,
            ["seed"] = Convert.ToBase64String(EnvelopeSeed),
            ["public_key"] = Convert.ToBase64String(MlKem768PrivateKey.FromSeed(EnvelopeSeed).PublicKey.ToArray()),
        });
        var signing = new JsonArray();
        foreach (var k in keys["signing_keys"]!.AsArray())
            signing.Add(new JsonObject { ["key_id"] = k!["key_id"]!.GetValue<string>(), ["public_key"] = k["public_key"]!.GetValue<string>() });
        var checkpoint = new JsonArray();
        foreach (var k in keys["checkpoint_keys"]!.AsArray())
            checkpoint.Add(new JsonObject { ["name"] = k!["name"]!.GetValue<string>(), ["public_key"] = k["public_key"]!.GetValue<string>() });
        return new JsonObject
        {
            ["format"] = "qp-tenant-keys-v1",
            ["tenant_id"] = TenantId,
            ["envelope_keys"] = envelopeKeys,
            ["signing_keys"] = signing,
            ["hmac_key"] = Convert.ToBase64String(HmacKey),
            ["checkpoint_keys"] = checkpoint,
        }.ToJsonString();
    }
}
