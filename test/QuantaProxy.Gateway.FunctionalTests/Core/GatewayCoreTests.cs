using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Core;

[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class GatewayCoreTests(StoreKind store)
{
    private GatewayHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _host = await GatewayHost.StartAsync(store);

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Nothing to stop when the fixture was inconclusive (no server) before it started anything.
        if (_host is not null) await _host.DisposeAsync();
    }

    [Test]
    public async Task Health_and_readiness_answer_without_a_key()
    {
        var (health, _) = await _host.SendAsync(HttpMethod.Get, "/healthz", null);
        var (ready, body) = await _host.SendAsync(HttpMethod.Get, "/readyz", null);
        Assert.Multiple(() =>
        {
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
            Assert.That(health.Headers.Contains("X-Request-Id"), Is.True);
        });
    }

    [Test]
    public async Task Tenant_creation_returns_the_hmac_key_once_and_lists_public_keys()
    {
        var created = await _host.OkAsync(HttpMethod.Post, "/api/v2/tenants", _host.AdminKey, new { name = "keys-tenant" });
        var tenantId = created["tenant_id"]!.GetValue<string>();
        Assert.That(Convert.FromBase64String(created["hmac_key"]!.GetValue<string>()), Has.Length.EqualTo(64));
        Assert.That(created["audit_event_id"]!.GetValue<string>(), Does.StartWith("aud_"));
        var keys = await _host.OkAsync(HttpMethod.Get, $"/api/v2/tenants/{tenantId}/keys", _host.AdminKey);
        Assert.Multiple(() =>
        {
            Assert.That(keys.ToJsonString(), Does.Not.Contain("hmac"));
            Assert.That(Convert.FromBase64String(keys["signing_keys"]![0]!["public_key"]!.GetValue<string>()), Has.Length.EqualTo(1952));
            Assert.That(Convert.FromBase64String(keys["vault_keys"]![0]!["public_key"]!.GetValue<string>()), Has.Length.EqualTo(1184));
            Assert.That(keys["checkpoint_keys"]![0]!["name"]!.GetValue<string>(), Does.EndWith($"/audit/{tenantId}"));
            Assert.That(keys["signing_keys"]![0]!["key_id"]!.GetValue<string>(), Is.EqualTo(created["signing_key_id"]!.GetValue<string>()));
        });
    }

    [Test]
    public async Task Missing_or_wrong_api_key_is_401_and_missing_scope_is_403()
    {
        var (none, noneBody) = await _host.SendAsync(HttpMethod.Get, "/api/v2/audit/events", null);
        var (wrong, wrongBody) = await _host.SendAsync(HttpMethod.Get, "/api/v2/audit/events", "qp_live_" + new string('A', 43));
        var tenant = await TenantSession.CreateAsync(_host, "scoped", ["audit:read"]);
        var (forbidden, forbiddenBody) = await _host.SendAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey,
            new { credential_type = "api_key", name = "x", secret = new { token = "t" } });
        Assert.Multiple(() =>
        {
            Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(noneBody!["code"]!.GetValue<string>(), Is.EqualTo("unauthenticated"));
            Assert.That(none.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(wrongBody!["code"]!.GetValue<string>(), Is.EqualTo("unauthenticated"));
            Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(forbiddenBody!["code"]!.GetValue<string>(), Is.EqualTo("insufficient_scope"));
        });
    }

    [Test]
    public async Task A_revoked_key_stops_working_at_once()
    {
        var tenant = await TenantSession.CreateAsync(_host, "revoke");
        await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events", tenant.ApiKey);
        await _host.OkAsync(HttpMethod.Delete, $"/api/v2/api-keys/{tenant.ApiKeyId}", _host.AdminKey);
        var (after, _) = await _host.SendAsync(HttpMethod.Get, "/api/v2/audit/events", tenant.ApiKey);
        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Seal_unseal_open_gives_the_secret_back_then_rotate_and_destroy()
    {
        var tenant = await TenantSession.CreateAsync(_host, "vault");
        var secret = "ssws-" + Guid.NewGuid().ToString("N");
        var sealedCredential = await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey,
            new { credential_type = "api_key", name = "okta prod", secret = new { token = secret } });
        var credentialId = sealedCredential["credential_id"]!.GetValue<string>();
        Assert.That(sealedCredential.ToJsonString(), Does.Not.Contain(secret));
        Assert.That(sealedCredential["version"]!.GetValue<int>(), Is.EqualTo(1));

        var bundle = await tenant.BundleJsonAsync(_host);
        var opened = await UnsealAndOpenAsync(tenant, bundle, credentialId);
        Assert.That(opened["secret"]!["token"]!.GetValue<string>(), Is.EqualTo(secret));
        Assert.That(opened["version"]!.GetValue<int>(), Is.EqualTo(1));

        var rotatedSecret = "ssws-" + Guid.NewGuid().ToString("N");
        var rotated = await _host.OkAsync(HttpMethod.Put, $"/api/v2/vault/{credentialId}", tenant.ApiKey, new { secret = new { token = rotatedSecret } });
        Assert.That(rotated["version"]!.GetValue<int>(), Is.EqualTo(2));
        var openedRotated = await UnsealAndOpenAsync(tenant, bundle, credentialId);
        Assert.That(openedRotated["secret"]!["token"]!.GetValue<string>(), Is.EqualTo(rotatedSecret));

        await _host.OkAsync(HttpMethod.Delete, $"/api/v2/vault/{credentialId}", tenant.ApiKey);
        var (gone, goneBody) = await _host.SendAsync(HttpMethod.Post, "/api/v2/vault/unseal", tenant.ApiKey, new { credential_id = credentialId });
        Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), goneBody?.ToJsonString());
    }

    [Test]
    public async Task Each_secret_shape_is_validated()
    {
        var tenant = await TenantSession.CreateAsync(_host, "shapes");
        (string Type, object Secret, string Field)[] bad =
        [
            ("api_key", new { tok = "x" }, "secret.tok"),
            ("api_key", new { token = 5 }, "secret.token"),
            ("oauth2_client", new { client_id = "a" }, "secret.client_secret"),
            ("private_key_jwt", new { client_id = "a", private_key_jwk = new { kty = "RSA", n = "x", e = "AQAB" } }, "secret.private_key_jwk"),
            ("password", new { token = "x" }, "credential_type"),
        ];
        foreach (var (type, secret, field) in bad)
        {
            var (response, body) = await _host.SendAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = type, name = "n", secret });
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), $"{type}: {body?.ToJsonString()}");
            Assert.That(body!["field"]!.GetValue<string>(), Is.EqualTo(field), body.ToJsonString());
        }
        var jwk = new { kty = "EC", crv = "P-256", x = "x", y = "y", d = "d" };
        await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey,
            new { credential_type = "private_key_jwt", name = "svc", secret = new { client_id = "0oa1", private_key_jwk = jwk, kid = "k1" } });
    }

    [Test]
    public async Task The_secret_never_reaches_the_database_files_or_logs()
    {
        var tenant = await TenantSession.CreateAsync(_host, "secret-scan");
        var secret = "qp-canary-" + Guid.NewGuid().ToString("N");
        var sealedCredential = await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey,
            new { credential_type = "oauth2_client", name = "scan", secret = new { client_id = "0oa-scan", client_secret = secret } });
        var credentialId = sealedCredential["credential_id"]!.GetValue<string>();
        await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/unseal", tenant.ApiKey, new { credential_id = credentialId });
        await _host.OkAsync(HttpMethod.Put, $"/api/v2/vault/{credentialId}", tenant.ApiKey, new { secret = new { client_id = "0oa-scan", client_secret = secret + "-2" } });
        var (bad, _) = await _host.SendAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = "oauth2_client", name = "scan", secret = new { client_id = "x", client_secret = secret, extra = secret } });
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));

        var needle = Encoding.UTF8.GetBytes(secret);
        foreach (var file in Directory.EnumerateFiles(_host.DataDir, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.That(bytes.AsSpan().IndexOf(needle), Is.EqualTo(-1), $"the secret is in {file}");
        }
        if (_host.Postgres is not null)
        {
            var dump = await PostgresDump.AllRowsAsTextAsync(_host.Postgres.ConnectionString);
            Assert.That(dump, Does.Contain(credentialId), "the dump must see the rows it searches");
            Assert.That(dump, Does.Not.Contain(secret));
        }
        Assert.That(_host.Logs.AllText, Does.Not.Contain(secret));
        Assert.That(_host.Logs.AllText, Does.Not.Contain(tenant.ApiKey));
    }

    [Test]
    public async Task Another_tenants_ids_answer_404_like_unknown_ids()
    {
        var a = await TenantSession.CreateAsync(_host, "tenant-a");
        var b = await TenantSession.CreateAsync(_host, "tenant-b");
        var credential = await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", a.ApiKey, new { credential_type = "api_key", name = "a", secret = new { token = "tok" } });
        var credentialId = credential["credential_id"]!.GetValue<string>();
        var events = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events", a.ApiKey);
        var eventId = events["events"]![0]!["event_id"]!.GetValue<string>();

        (HttpMethod Method, string Path, object? Body)[] probes =
        [
            (HttpMethod.Get, $"/api/v2/tenants/{a.TenantId}/keys", null),
            (HttpMethod.Post, $"/api/v2/tenants/{a.TenantId}/envelope-keys", new { public_key = "AAAA" }),
            (HttpMethod.Post, "/api/v2/vault/unseal", new { credential_id = credentialId }),
            (HttpMethod.Put, $"/api/v2/vault/{credentialId}", new { secret = new { token = "x" } }),
            (HttpMethod.Delete, $"/api/v2/vault/{credentialId}", null),
            (HttpMethod.Delete, $"/api/v2/api-keys/{a.ApiKeyId}", null),
            (HttpMethod.Get, $"/api/v2/audit/events/{eventId}/proof", null),
            (HttpMethod.Post, "/api/v2/api-keys", new { tenant_id = a.TenantId, name = "steal", scopes = new[] { "admin" } }),
        ];
        foreach (var (method, path, body) in probes)
        {
            var (response, problem) = await _host.SendAsync(method, path, b.ApiKey, body);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{method} {path}: {problem?.ToJsonString()}");
            // The admin key asking for an id that does not exist gets the very same answer.
            var unknown = path.Replace(a.TenantId, "ten_01HZZZZZZZZZZZZZZZZZZZZZZZ", StringComparison.Ordinal);
            if (unknown != path)
            {
                var (unknownResponse, unknownProblem) = await _host.SendAsync(method, unknown, _host.AdminKey, body);
                Assert.That(unknownResponse.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{method} {unknown}: {unknownProblem?.ToJsonString()}");
                Assert.That(unknownProblem!["code"]!.GetValue<string>(), Is.EqualTo(problem!["code"]!.GetValue<string>()));
            }
        }
        // The credential is untouched by all of that.
        var opened = await UnsealAndOpenAsync(a, await a.BundleJsonAsync(_host), credentialId);
        Assert.That(opened["secret"]!["token"]!.GetValue<string>(), Is.EqualTo("tok"));
    }

    [Test]
    public async Task Every_request_is_an_event_and_the_chain_verifies()
    {
        var tenant = await TenantSession.CreateAsync(_host, "audited");
        await _host.SendAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = "nope", name = "x", secret = new { token = "t" } });
        await _host.OkAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey, new { credential_type = "api_key", name = "x", secret = new { token = "t" } });
        var events = (await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?limit=100", tenant.ApiKey))["events"]!.AsArray();
        var types = events.Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.That(types, Is.SupersetOf(new[] { "tenant.create", "apikey.create", "key.register", "request.rejected", "vault.seal" }));
        Assert.That(events.Select(e => e!["seq"]!.GetValue<long>()), Is.EqualTo(Enumerable.Range(1, events.Count).Select(i => (long)i)));
        Assert.That(events.ToJsonString(), Does.Not.Contain("\"t\""), "events carry no payloads");
        var verify = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/verify", tenant.ApiKey);
        Assert.That(verify["valid"]!.GetValue<bool>(), Is.True, verify.ToJsonString());
        Assert.That(verify["events_checked"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(events.Count));
    }

    [Test]
    public async Task Thirty_two_concurrent_callers_leave_a_valid_gapless_chain()
    {
        var tenant = await TenantSession.CreateAsync(_host, "concurrent");
        var stop = DateTime.UtcNow.AddSeconds(3);
        var counts = new int[32];
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async worker =>
        {
            while (DateTime.UtcNow < stop)
            {
                var (response, body) = await _host.SendAsync(HttpMethod.Post, "/api/v2/vault/seal", tenant.ApiKey,
                    new { credential_type = "api_key", name = $"w{worker}", secret = new { token = "t" } });
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), body?.ToJsonString());
                counts[worker]++;
            }
        }));
        var verify = await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/verify", tenant.ApiKey);
        Assert.That(verify["valid"]!.GetValue<bool>(), Is.True, verify.ToJsonString());
        // 5 provisioning events (tenant.create; apikey.create and key.register, each with its intent) + two per seal.
        Assert.That(verify["events_checked"]!.GetValue<long>(), Is.EqualTo(5 + 2 * counts.Sum()));
        Assert.That(verify["head"]!["seq"]!.GetValue<long>(), Is.EqualTo(5 + 2 * counts.Sum()));
    }

    private async Task<JsonNode> UnsealAndOpenAsync(TenantSession tenant, string bundle, string credentialId)
    {
        using var request = GatewayHost.Request(HttpMethod.Post, "/api/v2/vault/unseal", tenant.ApiKey, new { credential_id = credentialId });
        var response = await _host.Client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), Encoding.UTF8.GetString(bytes));
        var requestId = response.Headers.GetValues("X-Request-Id").Single();
        var plaintext = EnvelopeTestOpener.Open(bundle, bytes, requestId);
        return JsonNode.Parse(plaintext)!;
    }
}
