using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using QuantaProxy.Gateway.Telemetry;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure.Hostile;
using QuantaProxy.Gateway.FunctionalTests.Proxy;

namespace QuantaProxy.Gateway.FunctionalTests.Core;

/// <summary>
/// End to end at the most verbose log level, with HTTP logging on and a deliberately careless request logger in the
/// pipeline: every gateway endpoint is called with known secret values — API keys, sealed secret values, a fake
/// Authorization, DPoP proof, cookie and client assertion, payload strings — and none of them may appear in any log
/// message, structured state value, scope, exception text, span attribute or metric tag.
/// </summary>
[NonParallelizable]
public sealed class LogRedactionEndToEndTests
{
    [Test]
    public async Task No_secret_reaches_a_log_line_a_span_or_a_metric()
    {
        using var telemetry = new TelemetryCapture();
        await using var okta = await ScriptedOktaUpstream.StartAsync("00ssws" + Guid.NewGuid().ToString("N") + "Tok");
        await using var host = await GatewayHost.StartAsync(StoreKind.Sqlite, new Dictionary<string, string?>
        {
            ["QuantaProxy:HttpLogging"] = "true",
            // Everything, including the framework's and the HTTP client's Debug and Trace output (appsettings.json says Information).
            ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace", ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace",
        },
            builder => builder.Services.AddSingleton<IStartupFilter, CarelessRequestLogger>());
        var tenant = await TenantSession.CreateAsync(host, "redaction");

        var canary = "cnry" + Guid.NewGuid().ToString("N")[..12];
        var clientSecret = canary + "-client-secret";
        var jwkD = canary + "-jwk-d";
        var payloadText = canary + "-payload";
        var fakeJwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIwMG8xIn0." + canary + "sig";
        var dpopProof = "eyJ0eXAiOiJkcG9wK2p3dCJ9.eyJodG0iOiJQT1NUIn0." + canary + "dpop";
        var cookie = canary + "-cookie";
        var assertion = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIwb2ExIn0." + canary + "assert";
        string[] secrets =
        [
            host.AdminKey, tenant.ApiKey, okta.Token, clientSecret, jwkD, payloadText, fakeJwt, dpopProof, cookie, assertion,
            Convert.ToBase64String(tenant.HmacKey), Convert.ToBase64String(tenant.EnvelopeSeed),
        ];

        async Task<JsonNode?> SendAsync(HttpMethod method, string path, string apiKey, object? body)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.TryAddWithoutValidation("X-API-Key", apiKey);
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + fakeJwt);
            request.Headers.TryAddWithoutValidation("DPoP", dpopProof);
            request.Headers.TryAddWithoutValidation("Cookie", "session=" + cookie);
            request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic " + Convert.ToBase64String("user:"u8.ToArray()) + canary);
            if (body is not null) request.Content = JsonContent.Create(body, options: GatewayHost.Json);
            using var response = await host.Client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            return text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text) : null;
        }

        // The working flows: three credential types sealed (their secret values are canaries), an integration, a proxied
        // call whose payload carries a canary and whose upstream credential is a canary SSWS token, an unseal.
        var sealedToken = await SendAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = "api_key", name = "okta", secret = new { token = okta.Token } });
        var credentialId = sealedToken!["credential_id"]!.GetValue<string>();
        await SendAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = "oauth2_client", name = "o", secret = new { client_id = "0oa1", client_secret = clientSecret } });
        await SendAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new
        {
            credential_type = "private_key_jwt", name = "j",
            secret = new { client_id = "0oa2", private_key_jwk = new { kty = "EC", crv = "P-256", x = "eA", y = "eQ", d = jwkD } },
        });
        await SendAsync(HttpMethod.Post, "/api/v2/vault/unseal", tenant.ApiKey, new { credential_id = credentialId });
        var integration = await SendAsync(HttpMethod.Post, "/api/v2/integrations", tenant.ApiKey, new
        {
            system_type = "okta", name = "okta", okta_domain = okta.BaseUrl, credential_id = credentialId, scopes = new[] { "okta.users.read" },
            allowed_operations = new[] { "list_users", "get_user" },
        });
        var integrationId = integration!["integration_id"]!.GetValue<string>();
        var proxied = await SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", tenant.ApiKey, new { integration_id = integrationId, operation = "list_users", payload = new { q = payloadText, limit = 2 } });
        Assert.That(proxied?["version"]?.GetValue<string>(), Is.EqualTo("qp-envelope-v1"), $"the proxied call answers an envelope: {proxied?.ToJsonString()}");
        await SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", tenant.ApiKey, new { integration_id = integrationId, operation = "get_user", payload = new { user_id = payloadText + "\u0001" } });

        // Every mapped endpoint, with the secret headers, a body carrying secrets where it takes one, and a secret in the query.
        var endpoints = await MappedEndpoint.ReadAsync(host);
        foreach (var e in endpoints)
        {
            var path = e.Fill(p => p switch
            {
                "tenantId" => tenant.TenantId, "credentialId" => credentialId, "integrationId" => integrationId, _ => "x_01HZZZZZZZZZZZZZZZZZZZZZZZ",
            }) + "?client_assertion=" + assertion + "&token=" + clientSecret;
            JsonObject? body = null;
            if (e.TakesJson)
            {
                body = SampleBodies.For(e, tenant.TenantId);
                body["client_secret"] = clientSecret;
                body["payload"] = new JsonObject { ["q"] = payloadText };
            }
            foreach (var key in new[] { tenant.ApiKey, host.AdminKey })
                await SendAsync(new HttpMethod(e.Method), path, key, body);
        }
        telemetry.RecordObservableInstruments();

        var logs = host.Logs.AllText;
        var careless = host.Logs.Lines.Count(l => l.Contains(CarelessRequestLogger.Category, StringComparison.Ordinal));
        Assert.That(careless, Is.GreaterThan(2 * endpoints.Count), "the careless logger saw every request");
        Assert.That(logs, Does.Contain(LogRedaction.Marker), "what the careless logger wrote came through redacted");
        Assert.That(host.Logs.Lines.Any(l => l.Contains("Microsoft.AspNetCore.HttpLogging", StringComparison.Ordinal)), Is.True, "HTTP logging ran");
        Assert.That(telemetry.Activities, Is.Not.Empty);
        var everything = logs + "\n" + telemetry.AllText;
        foreach (var secret in secrets)
        {
            var at = everything.IndexOf(secret, StringComparison.Ordinal);
            Assert.That(at, Is.LessThan(0), $"a secret ({secret[..Math.Min(12, secret.Length)]}…) appears in: …{(at < 0 ? "" : everything.Substring(Math.Max(0, at - 200), Math.Min(400, everything.Length - Math.Max(0, at - 200))))}…");
        }
        var part = everything.IndexOf(canary, StringComparison.Ordinal);
        Assert.That(part, Is.LessThan(0), $"part of a canary appears in: …{(part < 0 ? "" : everything.Substring(Math.Max(0, part - 200), Math.Min(400, everything.Length - Math.Max(0, part - 200))))}…");
    }
}
