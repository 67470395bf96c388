using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Core;

/// <summary>Whatever a caller sends, the answer is a 4xx problem+json with a code — never a 5xx, never a hang.</summary>
public sealed class HostileInputTests
{
    private GatewayHost _host = null!;
    private TenantSession _tenant = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _host = await GatewayHost.StartAsync(StoreKind.Sqlite);
        _tenant = await TenantSession.CreateAsync(_host, "hostile");
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Nothing to stop when the fixture was inconclusive (no server) before it started anything.
        if (_host is not null) await _host.DisposeAsync();
    }

    private static readonly (HttpMethod Method, string Path)[] JsonEndpoints =
    [
        (HttpMethod.Post, "/api/v2/tenants"),
        (HttpMethod.Post, "/api/v2/tenants/{tenant}/envelope-keys"),
        (HttpMethod.Post, "/api/v2/tenants/{tenant}/keys/rotate"),
        (HttpMethod.Post, "/api/v2/api-keys"),
        (HttpMethod.Post, "/api/v2/vault/seal"),
        (HttpMethod.Post, "/api/v2/vault/unseal"),
        (HttpMethod.Put, "/api/v2/vault/vlt_01HZZZZZZZZZZZZZZZZZZZZZZZ"),
        (HttpMethod.Post, "/api/v2/integrations"),
        (HttpMethod.Patch, "/api/v2/integrations/int_01HZZZZZZZZZZZZZZZZZZZZZZZ"),
        (HttpMethod.Post, "/api/v2/proxy/outbound"),
    ];

    private static IEnumerable<(string Name, string ContentType, byte[] Body)> HostileBodies()
    {
        yield return ("empty", "application/json", []);
        yield return ("truncated", "application/json", "{\"name\": \"a"u8.ToArray());
        yield return ("array", "application/json", "[1,2,3]"u8.ToArray());
        yield return ("null", "application/json", "null"u8.ToArray());
        yield return ("number", "application/json", "42"u8.ToArray());
        yield return ("deep", "application/json", Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)));
        yield return ("deep-object", "application/json", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 500)) + "1" + new string('}', 500)));
        yield return ("duplicate", "application/json", "{\"name\":\"a\",\"name\":\"b\"}"u8.ToArray());
        yield return ("unknown-field", "application/json", "{\"zzz\":1}"u8.ToArray());
        yield return ("wrong-types", "application/json", "{\"name\":5,\"scopes\":\"x\",\"credential_id\":[],\"integration_id\":{},\"operation\":true,\"public_key\":1}"u8.ToArray());
        yield return ("invalid-utf8", "application/json", [0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0x22, 0x7D]);
        yield return ("control-chars", "application/json", "{\"name\":\"a\u0001b\"}"u8.ToArray());
        yield return ("comment", "application/json", "{/*x*/\"name\":\"a\"}"u8.ToArray());
        yield return ("trailing-comma", "application/json", "{\"name\":\"a\",}"u8.ToArray());
        yield return ("huge-string", "application/json", Encoding.UTF8.GetBytes("{\"name\":\"" + new string('a', 200_000) + "\"}"));
        yield return ("huge-array", "application/json", Encoding.UTF8.GetBytes("{\"scopes\":[" + string.Join(',', Enumerable.Repeat("\"admin\"", 50_000)) + "]}"));
        yield return ("too-large", "application/json", new byte[2 * 1024 * 1024]);
        yield return ("big-number", "application/json", "{\"limit\":1e400}"u8.ToArray());
        yield return ("text-plain", "text/plain", "{\"name\":\"a\"}"u8.ToArray());
        yield return ("form", "application/x-www-form-urlencoded", "name=a"u8.ToArray());
        yield return ("json-wrong-charset", "application/json; charset=latin1", "{\"name\":\"a\"}"u8.ToArray());
    }

    [Test]
    public async Task Every_hostile_body_on_every_endpoint_is_a_4xx_problem()
    {
        var count = 0;
        foreach (var (method, template) in JsonEndpoints)
        {
            foreach (var key in new[] { _host.AdminKey, _tenant.ApiKey })
            {
                foreach (var (name, contentType, body) in HostileBodies())
                {
                    var path = template.Replace("{tenant}", _tenant.TenantId, StringComparison.Ordinal);
                    using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
                    request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
                    request.Headers.Add("X-API-Key", key);
                    // With 100-continue the client sends a body only once the server asks for it, so a refusal before
                    // reading (413, 404, 415) reaches the client instead of racing a half-sent upload.
                    request.Headers.ExpectContinue = true;
                    await AssertProblemAsync(request, $"{name} → {method} {path}");
                    count++;
                }
            }
        }
        Assert.That(count, Is.GreaterThan(400));
    }

    [Test]
    public async Task Keys_ids_and_paths_that_are_wrong_are_4xx_problems()
    {
        string[] badKeys = ["", "qp_live_", "qp_live_" + new string('A', 42), "qp_live_" + new string('A', 44), "Bearer x", new string('k', 5000)];
        foreach (var key in badKeys)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/audit/events");
            request.Headers.TryAddWithoutValidation("X-API-Key", key);
            await AssertProblemAsync(request, $"key '{key[..Math.Min(20, key.Length)]}'", expect: 401);
        }
        string[] paths =
        [
            "/api/v2/tenants/../../etc/passwd/keys", "/api/v2/tenants/%2e%2e%2fadmin/keys", "/api/v2/tenants/" + new string('x', 3000) + "/keys",
"/api/v2/integrations/int_;DROP TABLE x", "/api/v2/audit/events/aud_x/proof", "/api/v2/nope", "/api/v2/tenants/ten_%ZZ/keys",
        ];
        foreach (var path in paths)
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Delete, HttpMethod.Put })
            {
                using var request = new HttpRequestMessage(method, path);
                request.Headers.Add("X-API-Key", _tenant.ApiKey);
                await AssertProblemAsync(request, $"{method} {path[..Math.Min(60, path.Length)]}");
            }
        }
        // A NUL in the path is refused by Kestrel itself, before any middleware: a bare 400 is the right answer there.
        using (var nul = new HttpRequestMessage(HttpMethod.Get, "/api/v2/vault/vlt_%00"))
        {
            nul.Headers.Add("X-API-Key", _tenant.ApiKey);
            using var response = await _host.Client.SendAsync(nul);
            Assert.That((int)response.StatusCode, Is.EqualTo(400));
        }
        using var wrongMethod = new HttpRequestMessage(HttpMethod.Patch, "/api/v2/vault/seal");
        wrongMethod.Headers.Add("X-API-Key", _tenant.ApiKey);
        await AssertProblemAsync(wrongMethod, "PATCH on seal", expect: 405);
    }

    [Test]
    public async Task Oversized_headers_are_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/audit/events");
        request.Headers.Add("X-API-Key", _tenant.ApiKey);
        request.Headers.TryAddWithoutValidation("X-Padding", new string('p', 64 * 1024));
        using var response = await _host.Client.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.InRange(400, 499));
    }

    private async Task AssertProblemAsync(HttpRequestMessage request, string what, int? expect = null)
    {
        HttpResponseMessage response;
        try
        {
            response = await _host.Client.SendAsync(request);
        }
        catch (HttpRequestException failure)
        {
            Assert.Fail($"{what}: the connection failed: {failure.Message} {failure.InnerException?.Message}");
            return;
        }
        using var _ = response;
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        if (expect is { } e) Assert.That(status, Is.EqualTo(e), $"{what}: {text}");
        Assert.That(status, Is.InRange(400, 499), $"{what}: {status} {text[..Math.Min(300, text.Length)]}");
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), $"{what}: {status} {text[..Math.Min(300, text.Length)]}");
        var problem = JsonNode.Parse(text)!;
        Assert.That(problem["code"]?.GetValue<string>(), Is.Not.Null.And.Not.Empty, what);
        Assert.That(problem["status"]!.GetValue<int>(), Is.EqualTo(status), what);
    }
}
