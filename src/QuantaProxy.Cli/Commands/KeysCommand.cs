using System.CommandLine;
using System.Security.Cryptography;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Cli.Commands;

/// <summary>
/// <c>quantaproxy keys generate --out DIR</c>: a new tenant envelope key (ML-KEM-768); <c>quantaproxy keys service-app
/// --client-id ID --out DIR</c>: an Okta service app's key pair for local development against the sandbox.
/// </summary>
public static class KeysCommand
{
    public const string SeedFile = "envelope-key.seed";
    public const string PublicKeyFile = "envelope-key.pub";

    public static Command Create()
    {
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Folder to write envelope-key.seed (0600) and envelope-key.pub into", Required = true };
        var generate = new Command("generate", "Generate a tenant envelope key. Example: quantaproxy keys generate --out ./tenant-keys") { outDir };
        generate.SetAction(parse =>
        {
            var dir = parse.GetRequiredValue(outDir);
            Directory.CreateDirectory(dir.FullName);
            var seed = MlKem768.GenerateSeed();
            try
            {
                var publicKey = MlKem768PrivateKey.FromSeed(seed).PublicKey.ToArray();
                var seedText = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(seed) + "\n");
                CliFiles.WriteSecret(Path.Combine(dir.FullName, SeedFile), seedText);
                CryptographicOperations.ZeroMemory(seedText);
                var publicText = Convert.ToBase64String(publicKey);
                File.WriteAllText(Path.Combine(dir.FullName, PublicKeyFile), publicText + "\n");
                Console.WriteLine($"Wrote {Path.Combine(dir.FullName, SeedFile)} (base64 of the 64-byte ML-KEM-768 seed d||z, mode 0600: keep it secret)");
                Console.WriteLine($"Wrote {Path.Combine(dir.FullName, PublicKeyFile)} (base64 of the 1184-byte public key)");
                Console.WriteLine("Register the public key: POST /api/v2/tenants/{tenant_id}/envelope-keys {\"public_key\": \"<contents of envelope-key.pub>\"}");
                return 0;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(seed);
            }
        });
        var keyFile = new Option<FileInfo>("--out") { Description = "File to write the key into (created 0600); the key is never printed", Required = true };
        var adminKey = new Command("admin-key", "Generate a random admin API key for QuantaProxy__Bootstrap__AdminKey into a 0600 file. Example: quantaproxy keys admin-key --out admin-key") { keyFile };
        adminKey.SetAction(parse =>
        {
            var file = parse.GetRequiredValue(keyFile).FullName;
            var text = System.Text.Encoding.ASCII.GetBytes(QuantaProxy.Gateway.Auth.ApiKeyFormat.Generate() + "\n");
            CliFiles.WriteSecret(file, text);
            CryptographicOperations.ZeroMemory(text);
            Console.WriteLine($"Wrote {file} (mode 0600): move it into your secret store as QuantaProxy__Bootstrap__AdminKey, then delete it");
            return 0;
        });
        return new Command("keys", "Tenant key management") { generate, ServiceApp(), adminKey };
    }

    public const string ServiceAppJwksFile = "service-app.jwks.json";
    public const string ServiceAppSecretFile = "service-app-secret.json";

    /// <summary>
    /// A service app's RSA key pair in the two shapes the local journey needs: the public JWKS for
    /// <c>quantaproxy sandbox --service-app-jwks</c> and the <c>private_key_jwt</c> secret for <c>vault seal</c>. Against a real
    /// org, Okta's admin console generates the pair and the private half goes straight into the vault.
    /// </summary>
    private static Command ServiceApp()
    {
        var outDir = new Option<DirectoryInfo>("--out") { Description = $"Folder to write {ServiceAppJwksFile} and {ServiceAppSecretFile} (0600) into", Required = true };
        var clientId = new Option<string>("--client-id") { Description = "The service app's client_id (as Okta shows it, 0oa...)", Required = true };
        var keyId = new Option<string>("--kid") { Description = "Key id written in the JWK and the client assertions", DefaultValueFactory = _ => "key-1" };
        var command = new Command("service-app",
            "Generate an Okta service app key pair for local development. Example: quantaproxy keys service-app --client-id 0oadev --out ./svc, "
            + "then quantaproxy sandbox --api-token T --service-app-jwks ./svc/service-app.jwks.json --client-id 0oadev "
            + "and quantaproxy vault seal --type private_key_jwt --name okta-svc --secret-file ./svc/service-app-secret.json")
        {
            outDir, clientId, keyId,
        };
        command.SetAction(parse =>
        {
            var dir = parse.GetRequiredValue(outDir);
            Directory.CreateDirectory(dir.FullName);
            using var pair = new QuantaProxy.OktaSandbox.ServiceAppKeyPair(parse.GetRequiredValue(keyId));
            File.WriteAllText(Path.Combine(dir.FullName, ServiceAppJwksFile), pair.PublicJwksJson() + "\n");
            var secret = System.Text.Encoding.UTF8.GetBytes(pair.CredentialSecret(parse.GetRequiredValue(clientId)).ToJsonString());
            try
            {
                CliFiles.WriteSecret(Path.Combine(dir.FullName, ServiceAppSecretFile), secret);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
            }
            Console.WriteLine($"Wrote {Path.Combine(dir.FullName, ServiceAppJwksFile)} (public JWKS: register it with the org)");
            Console.WriteLine($"Wrote {Path.Combine(dir.FullName, ServiceAppSecretFile)} (mode 0600: seal it with vault seal --type private_key_jwt, then delete it)");
            return 0;
        });
        return command;
    }
}
