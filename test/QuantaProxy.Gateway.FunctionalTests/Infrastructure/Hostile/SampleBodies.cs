using System.Text.Json.Nodes;

namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure.Hostile;

/// <summary>
/// A well-formed body for each JSON endpoint: the sweep's starting point, which it then truncates, retypes and corrupts.
/// Known endpoints get a hand-written body whose ids name nothing that exists, so that even a mutation the gateway
/// accepts ends in 404 rather than creating something; an endpoint added later gets one built from its OpenAPI schema.
/// </summary>
public static class SampleBodies
{
    /// <summary>Well-formed ids that exist nowhere (all Z is a valid ULID tail that no clock will produce soon).</summary>
    public const string MissingCredential = "vlt_01HZZZZZZZZZZZZZZZZZZZZZZZ";
    public const string MissingIntegration = "int_01HZZZZZZZZZZZZZZZZZZZZZZZ";

    public static JsonObject For(MappedEndpoint endpoint, string tenantId) => $"{endpoint.Method} {endpoint.Template}" switch
    {
        "POST /api/v2/tenants" => new() { ["name"] = "sweep" },
        "POST /api/v2/tenants/{tenantId}/envelope-keys" => new() { ["public_key"] = "AAAA" },
        "POST /api/v2/tenants/{tenantId}/keys/rotate" => new() { ["purpose"] = "signing" },
        "POST /api/v2/api-keys" => new() { ["name"] = "sweep", ["scopes"] = new JsonArray("audit:read", "vault:seal"), ["tenant_id"] = tenantId },
        "POST /api/v2/vault/seal" => new()
        {
            ["credential_type"] = "api_key", ["name"] = "sweep", ["secret"] = new JsonObject { ["token"] = "sweep-token" }, ["tenant_id"] = tenantId,
        },
        "POST /api/v2/vault/unseal" => new() { ["credential_id"] = MissingCredential, ["tenant_id"] = tenantId },
        "PUT /api/v2/vault/{credentialId}" => new() { ["secret"] = new JsonObject { ["token"] = "sweep-token" }, ["tenant_id"] = tenantId },
        "POST /api/v2/integrations" => new()
        {
            ["system_type"] = "okta", ["name"] = "sweep", ["okta_domain"] = "https://sweep.okta.com", ["credential_id"] = MissingCredential,
            ["scopes"] = new JsonArray("okta.users.read"), ["allowed_operations"] = new JsonArray("list_users", "get_user"), ["tenant_id"] = tenantId,
        },
        "PATCH /api/v2/integrations/{integrationId}" => new() { ["name"] = "sweep", ["scopes"] = new JsonArray("okta.users.read"), ["tenant_id"] = tenantId },
        "POST /api/v2/proxy/outbound" => new()
        {
            ["integration_id"] = MissingIntegration, ["operation"] = "list_users", ["payload"] = new JsonObject { ["limit"] = 10, ["q"] = "ada" },
            ["tenant_id"] = tenantId,
        },
        _ => FromSchema(endpoint.BodySchema, tenantId),
    };

    private static JsonObject FromSchema(JsonObject? schema, string tenantId)
    {
        var body = new JsonObject();
        if (schema?["properties"] is not JsonObject properties) return body;
        foreach (var (name, property) in properties)
            body[name] = name == "tenant_id" ? tenantId : Value(property);
        return body;
    }

    private static JsonNode? Value(JsonNode? schema)
    {
        var types = schema?["type"] switch
        {
            JsonArray many => many.Select(t => t!.GetValue<string>()).Where(t => t != "null").ToList(),
            JsonValue one => [one.GetValue<string>()],
            _ => ["string"],
        };
        return types.FirstOrDefault() switch
        {
            "integer" or "number" => 1,
            "boolean" => true,
            "array" => new JsonArray(Value(schema?["items"])),
            "object" => new JsonObject(),
            _ => "sweep",
        };
    }
}
