using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.Cli.Tests;

/// <summary><c>quantaproxy keys service-app</c>: a public JWKS for the org and a 0600 private_key_jwt secret for the vault.</summary>
public sealed class ServiceAppKeysCommandTests
{
    [Test]
    public async Task Writes_a_public_only_JWKS_and_a_matching_private_key_jwt_secret()
    {
        var dir = Directory.CreateTempSubdirectory("qp-cli-svc-").FullName;
        try
        {
            var (code, stdout, stderr) = await CliProcess.RunAsync(null, "keys", "service-app", "--client-id", "0oatest", "--kid", "k-7", "--out", dir);
            Assert.That(code, Is.Zero, stderr);
            Assert.That(Encoding.UTF8.GetString(stdout), Does.Contain("service-app.jwks.json").And.Contain("service-app-secret.json"));

            var jwks = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "service-app.jwks.json")))!["keys"]!.AsArray();
            Assert.That(jwks, Has.Count.EqualTo(1));
            var publicJwk = new JsonWebKey(jwks[0]!.ToJsonString());
            Assert.That((publicJwk.Kty, publicJwk.Kid, publicJwk.HasPrivateKey), Is.EqualTo(("RSA", "k-7", false)), "the JWKS for the org holds no private part");

            var secretPath = Path.Combine(dir, "service-app-secret.json");
            if (!OperatingSystem.IsWindows())
                Assert.That(File.GetUnixFileMode(secretPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            var secret = JsonNode.Parse(await File.ReadAllTextAsync(secretPath))!;
            Assert.That((secret["client_id"]!.GetValue<string>(), secret["kid"]!.GetValue<string>()), Is.EqualTo(("0oatest", "k-7")));
            var privateJwk = new JsonWebKey(secret["private_key_jwk"]!.ToJsonString());
            Assert.That(privateJwk.HasPrivateKey, Is.True);
            Assert.That(privateJwk.N, Is.EqualTo(publicJwk.N), "the sealed key is the one registered with the org");
            Assert.That(Base64UrlEncoder.DecodeBytes(privateJwk.N), Has.Length.EqualTo(256), "RSA-2048");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
