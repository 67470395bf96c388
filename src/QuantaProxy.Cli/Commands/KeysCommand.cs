using System.CommandLine;
using System.Security.Cryptography;
using QuantaProxy.Crypto.Primitives;

namespace QuantaProxy.Cli.Commands;

/// <summary><c>quantaproxy keys generate --out DIR</c>: a new tenant envelope key (ML-KEM-768).</summary>
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
        return new Command("keys", "Tenant key management") { generate };
    }
}
