using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace QuantaProxy.Cli.Tests;

/// <summary><c>quantaproxy sandbox</c> with a service app from a JWKS file, run as a separate process.</summary>
public sealed class SandboxCommandTests
{
    private string _dir = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "qp-cli-sbx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [OneTimeTearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Help_shows_the_service_app_options_and_an_example()
    {
        var (code, stdout, _) = await CliProcess.RunAsync(null, "sandbox", "--help");
        var text = Encoding.UTF8.GetString(stdout);
        Assert.That(code, Is.Zero);
        Assert.That(text, Does.Contain("--service-app-jwks").And.Contain("--client-id"));
        Assert.That(text, Does.Contain("Example: quantaproxy sandbox --urls http://127.0.0.1:9090 --api-token dev-token --service-app-jwks"));
    }

    [TestCase("--client-id", "0oaalone")]
    [TestCase("--service-app-jwks", "app.jwks.json")]
    public async Task One_of_the_service_app_options_without_the_other_is_refused(string option, string value)
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, "sandbox", "--urls", "http://127.0.0.1:0", "--api-token", "t", option, value);
        Assert.That(code, Is.Not.Zero);
        Assert.That(stderr, Does.Contain("--service-app-jwks and --client-id go together"));
    }

    [Test]
    public async Task A_JWKS_with_a_private_key_is_refused_without_printing_it()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(true);
        var d = Base64UrlEncoder.Encode(p.D);
        var file = Path.Combine(_dir, "private.jwks.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { keys = new[] { new { kty = "EC", crv = "P-256", kid = "k1", x = Base64UrlEncoder.Encode(p.Q.X), y = Base64UrlEncoder.Encode(p.Q.Y), d } } }));
        var (code, _, stderr) = await CliProcess.RunAsync(null, "sandbox", "--urls", "http://127.0.0.1:0", "--api-token", "t", "--service-app-jwks", file, "--client-id", "0oapriv");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("private key material").And.Not.Contain(d));
    }

    [Test]
    public async Task The_service_app_from_the_JWKS_authenticates_with_private_key_jwt_and_must_use_DPoP()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = ec.ExportParameters(false).Q;
        var file = Path.Combine(_dir, "app.jwks.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { keys = new[] { new { kty = "EC", crv = "P-256", kid = "k1", use = "sig", x = Base64UrlEncoder.Encode(q.X), y = Base64UrlEncoder.Encode(q.Y) } } }));

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { CliProcess.CliDll, "sandbox", "--urls", "http://127.0.0.1:0", "--api-token", "t", "--seed-users", "5", "--service-app-jwks", file, "--client-id", "0oacli" })
            start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        try
        {
            var baseAddress = await ListeningAddressAsync(process);
            using var http = new HttpClient { BaseAddress = baseAddress };
            var endpoint = new Uri(baseAddress, "/oauth2/v1/token").ToString();

            // Client authentication passes (the app and its key were registered), then DPoP is demanded.
            var registered = await RequestTokenAsync(http, Assertion(ec, endpoint));
            Assert.That(registered.Status, Is.EqualTo(400), registered.Body.ToJsonString());
            Assert.That(registered.Body["error"]!.GetValue<string>(), Is.EqualTo("invalid_dpop_proof"));
            Assert.That(registered.Body["error_description"]!.GetValue<string>(), Is.EqualTo("The DPoP proof JWT header is missing."));

            using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var refused = await RequestTokenAsync(http, Assertion(stranger, endpoint));
            Assert.That(refused.Status, Is.EqualTo(401));
            Assert.That(refused.Body["error"]!.GetValue<string>(), Is.EqualTo("invalid_client"));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>The address from the start-up line "Okta sandbox listening on URL ...".</summary>
    private static async Task<Uri> ListeningAddressAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            const string marker = "listening on ";
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0) return new Uri(line[(at + marker.Length)..].Split(' ')[0]);
        }
        Assert.Fail("the sandbox exited before listening: " + await process.StandardError.ReadToEndAsync());
        return null!;
    }

    private static string Assertion(ECDsa key, string endpoint)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["iss"] = "0oacli", ["sub"] = "0oacli", ["aud"] = endpoint, ["iat"] = now, ["exp"] = now + 300, ["jti"] = Guid.NewGuid().ToString() },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = "k1" }, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static async Task<(int Status, JsonNode Body)> RequestTokenAsync(HttpClient http, string assertion)
    {
        using var response = await http.PostAsync("/oauth2/v1/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["scope"] = "okta.users.read",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", ["client_assertion"] = assertion,
        }));
        return ((int)response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }
}
