using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using QuantaProxy.Client;
using QuantaProxy.Client.Http;
using QuantaProxy.Crypto.Envelopes;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Cli.Commands;

/// <summary>Admin commands against a running gateway: tenants, credentials, integrations, and <c>call</c>.</summary>
public static class AdminCommands
{
    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true };

    private static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is QuantaProxyApiException or HttpRequestException or InvalidOperationException or IOException or FormatException or EnvelopeRejectedException)
        {
            Console.Error.WriteLine($"failed: {e.Message}");
            return 1;
        }
    }

    /// <summary><c>tenant create --name N --out DIR</c>: tenant, envelope key (kept locally), a tenant API key, and the key bundle.</summary>
    public static Command Tenant()
    {
        var connection = new GatewayConnectionOptions();
        var name = new Option<string>("--name") { Description = "Tenant name", Required = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder for tenant-keys.json and api-key (both 0600)", Required = true };
        var create = new Command("create", "Create a tenant with its keys (admin key). Example: QUANTAPROXY_API_KEY=$(cat data/admin-key) quantaproxy tenant create --name acme --out ./acme") { name, outDir };
        connection.AddTo(create);
        create.SetAction((parse, ct) => Guard(async () =>
        {
            using var client = connection.Connect(parse);
            var dir = parse.GetRequiredValue(outDir).FullName;
            Directory.CreateDirectory(dir);
            var tenant = await client.SendJsonAsync(HttpMethod.Post, "/api/v2/tenants", new { name = parse.GetRequiredValue(name) }, ct);
            var tenantId = tenant["tenant_id"]!.GetValue<string>();
            var key = await client.SendJsonAsync(HttpMethod.Post, "/api/v2/api-keys", new { tenant_id = tenantId, name = "tenant-admin", scopes = new[] { "admin" } }, ct);
            var seed = MlKem768.GenerateSeed();
            var envelopeKey = await client.SendJsonAsync(HttpMethod.Post, $"/api/v2/tenants/{tenantId}/envelope-keys",
                new { public_key = Convert.ToBase64String(MlKem768PrivateKey.FromSeed(seed).PublicKey.ToArray()) }, ct);
            var keys = await client.SendJsonAsync(HttpMethod.Get, $"/api/v2/tenants/{tenantId}/keys", null, ct);
            var hmac = Convert.FromBase64String(tenant["hmac_key"]!.GetValue<string>());
            using var bundle = TenantBundles.FromGatewayKeys(tenantId, envelopeKey["key_id"]!.GetValue<string>(), seed, hmac, keys);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(seed);
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(hmac);
            bundle.WriteToFile(Path.Combine(dir, "tenant-keys.json"));
            CliFiles.WriteSecret(Path.Combine(dir, "api-key"), Encoding.ASCII.GetBytes(key["api_key"]!.GetValue<string>() + "\n"));
            Console.WriteLine(new JsonObject
            {
                ["tenant_id"] = tenantId,
                ["api_key_id"] = key["api_key_id"]!.DeepClone(),
                ["envelope_key_id"] = envelopeKey["key_id"]!.DeepClone(),
                ["signing_key_id"] = tenant["signing_key_id"]!.DeepClone(),
                ["bundle"] = Path.Combine(dir, "tenant-keys.json"),
                ["api_key_file"] = Path.Combine(dir, "api-key"),
            }.ToJsonString(Pretty));
            return 0;
        }));
        return new Command("tenant", "Tenants") { create };
    }

    /// <summary><c>vault seal --type T --name N --secret-file F</c>: the secret is read from a file (never from the command line).</summary>
    public static Command Vault()
    {
        var connection = new GatewayConnectionOptions();
        var type = new Option<string>("--type") { Description = "api_key, oauth2_client or private_key_jwt", Required = true };
        var name = new Option<string>("--name") { Description = "Credential name", Required = true };
        var file = new Option<FileInfo?>("--secret-file") { Description = "JSON secret, e.g. {\"token\": \"...\"}; standard input when absent" };
        var seal = new Command("seal", "Seal an Okta credential. Example: quantaproxy vault seal --type api_key --name okta-prod --secret-file token.json") { type, name, file };
        connection.AddTo(seal);
        seal.SetAction((parse, ct) => Guard(async () =>
        {
            using var client = connection.Connect(parse);
            var secretBytes = CliFiles.ReadBounded(parse.GetValue(file)?.FullName, 16 * 1024);
            try
            {
                var secret = JsonNode.Parse(secretBytes);
                var result = await client.SendJsonAsync(HttpMethod.Post, "/api/v2/vault/seal",
                    new { credential_type = parse.GetRequiredValue(type), name = parse.GetRequiredValue(name), secret }, ct);
                Console.WriteLine(result.ToJsonString(Pretty));
                return 0;
            }
            finally
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(secretBytes);
            }
        }));
        return new Command("vault", "Sealed credentials") { seal };
    }

    /// <summary><c>integration create</c>: an Okta integration with its allow-list.</summary>
    public static Command Integration()
    {
        var connection = new GatewayConnectionOptions();
        var name = new Option<string>("--name") { Description = "Integration name", Required = true };
        var domain = new Option<string>("--okta-domain") { Description = "https://<org>.okta.com", Required = true };
        var credential = new Option<string>("--credential-id") { Description = "vlt_ id of the sealed credential", Required = true };
        var operations = new Option<string>("--operations") { Description = "Comma-separated allowed operations (everything else is denied); or --profile" };
        var profile = new Option<string>("--profile") { Description = "A named allow-list instead of --operations: governance-read (every read, nothing that changes the org)" };
        var scopes = new Option<string>("--scopes") { Description = "Comma-separated Okta scopes the credential requests; omitted: derived from the operations" };
        var create = new Command("create", "Create an Okta integration. Example: quantaproxy integration create --name prod --okta-domain https://acme.okta.com --credential-id vlt_... --operations list_users,get_user (or --profile governance-read)")
        {
            name, domain, credential, operations, profile, scopes,
        };
        create.Validators.Add(result =>
        {
            if ((result.GetValue(operations) is null) == (result.GetValue(profile) is null))
                result.AddError("Give exactly one of --operations and --profile.");
        });
        connection.AddTo(create);
        create.SetAction((parse, ct) => Guard(async () =>
        {
            using var client = connection.Connect(parse);
            static string[]? List(string? text) => text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var body = new Dictionary<string, object>
            {
                ["system_type"] = "okta",
                ["name"] = parse.GetRequiredValue(name),
                ["okta_domain"] = parse.GetRequiredValue(domain),
                ["credential_id"] = parse.GetRequiredValue(credential),
            };
            // Absent members keep their meaning: no scopes means derived, no operations means the profile's.
            if (List(parse.GetValue(scopes)) is { } scopeList) body["scopes"] = scopeList;
            if (List(parse.GetValue(operations)) is { } operationList) body["allowed_operations"] = operationList;
            // The command line spells profiles with '-'; the API's names are snake_case.
            if (parse.GetValue(profile) is { } profileName) body["profile"] = profileName.Replace('-', '_');
            var result = await client.SendJsonAsync(HttpMethod.Post, "/api/v2/integrations", body, ct);
            Console.WriteLine(result.ToJsonString(Pretty));
            return 0;
        }));
        return new Command("integration", "Okta integrations") { create };
    }

    /// <summary><c>call --integration I --operation OP [--payload JSON] --keys BUNDLE</c>: proxied call, verified and opened.</summary>
    public static Command Call()
    {
        var connection = new GatewayConnectionOptions();
        var integration = new Option<string>("--integration") { Description = "int_ id", Required = true };
        var operation = new Option<string>("--operation") { Description = "Catalog operation, e.g. list_users", Required = true };
        var payload = new Option<string>("--payload") { Description = "JSON payload", DefaultValueFactory = _ => "{}" };
        var keys = new Option<FileInfo>("--keys") { Description = "Tenant key bundle to verify and open the answer", Required = true };
        var call = new Command("call", "Call an Okta operation through the gateway and print the verified, opened answer. Example: quantaproxy call --integration int_... --operation list_users --payload '{\"limit\":5}' --keys acme/tenant-keys.json")
        {
            integration, operation, payload, keys,
        };
        connection.AddTo(call);
        call.SetAction((parse, ct) => Guard(async () =>
        {
            using var http = connection.Connect(parse);
            using var bundle = TenantKeyBundle.Parse(File.ReadAllBytes(parse.GetRequiredValue(keys).FullName));
            var result = await new QuantaProxyClient(http, bundle).ProxyAsync(parse.GetRequiredValue(integration), parse.GetRequiredValue(operation),
                JsonNode.Parse(parse.GetRequiredValue(payload)), ct: ct);
            Console.WriteLine(new JsonObject
            {
                ["success"] = result.Success,
                ["status"] = result.Status,
                ["operation"] = result.Operation,
                ["okta_request_id"] = result.OktaRequestId,
                ["next_cursor"] = result.NextCursor,
                ["audit_event_id"] = result.AuditEventId,
                ["body"] = JsonNode.Parse(result.Body.GetRawText()),
            }.ToJsonString(Pretty));
            return result.Success ? 0 : 2;
        }));
        return call;
    }
}
