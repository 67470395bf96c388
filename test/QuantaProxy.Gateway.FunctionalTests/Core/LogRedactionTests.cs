using Microsoft.Extensions.Logging;
using QuantaProxy.Gateway.Telemetry;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Core;

/// <summary>The redaction rule set on its own: each rule removes what it is for, and leaves ids, trace ids and paths readable.</summary>
public sealed class LogRedactionTests
{
    private const string Jwt = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiIwMG8xIiwiYXVkIjoiaHR0cHM6Ly94Lm9rdGEuY29tIn0.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtMTIzNDU2Nzg5MA";
    private const string ApiKey = "qp_live_Q2hhbmdlTWVQbGVhc2UtdGhpcy1pcy1hLXRlc3Qta2V5MDA";
    private const string Ssws = "00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdef";

    [TestCase("Authorization")]
    [TestCase("authorization")]
    [TestCase("X-API-Key")]
    [TestCase("DPoP")]
    [TestCase("Cookie")]
    [TestCase("Set-Cookie")]
    [TestCase("Proxy-Authorization")]
    public void Credential_headers_are_always_redacted(string header) =>
        Assert.That(LogRedaction.RedactHeader(header, "harmless-looking"), Is.EqualTo(LogRedaction.Marker));

    [Test]
    public void Other_headers_keep_their_value_unless_a_value_rule_applies()
    {
        Assert.That(LogRedaction.RedactHeader("Accept", "application/json"), Is.EqualTo("application/json"));
        Assert.That(LogRedaction.RedactHeader("X-Forwarded", "Bearer " + Jwt), Does.Not.Contain(Jwt));
    }

    [TestCase("token")]
    [TestCase("secret")]
    [TestCase("client_secret")]
    [TestCase("private_key")]
    [TestCase("private_key_jwk")]
    [TestCase("password")]
    [TestCase("api_key")]
    [TestCase("client_assertion")]
    [TestCase("access_token")]
    [TestCase("refresh_token")]
    [TestCase("payload")]
    [TestCase("body")]
    public void Sensitive_json_properties_lose_their_value(string name)
    {
        var text = $$"""{"id":"ten_01HZZZZZZZZZZZZZZZZZZZZZZZ","{{name}}":"plain value 42","n":1}""";
        var redacted = LogRedaction.Redact(text);
        Assert.That(redacted, Does.Not.Contain("plain value 42"));
        Assert.That(redacted, Does.Contain("ten_01HZZZZZZZZZZZZZZZZZZZZZZZ"), "a neighbouring member is kept");
        Assert.That(LogRedaction.IsSensitiveName(name), Is.True);
    }

    [Test]
    public void Object_values_of_sensitive_properties_go_whole_and_nested_ones_are_found()
    {
        var jwk = """{"private_key_jwk":{"kty":"EC","d":"c2VjcmV0LWQ","x":"eA"},"name":"n"}""";
        Assert.That(LogRedaction.Redact(jwk), Does.Not.Contain("c2VjcmV0LWQ").And.Contain("\"name\":\"n\""));
        var nested = """{"credential":{"kind":"api","token":"nested-secret-value"},"other":[{"password":"pw-in-array"}]}""";
        Assert.That(LogRedaction.Redact(nested), Does.Not.Contain("nested-secret-value").And.Not.Contain("pw-in-array").And.Contain("\"kind\":\"api\""));
    }

    [Test]
    public void Form_and_query_pairs_with_sensitive_names_are_redacted()
    {
        var redacted = LogRedaction.Redact("grant_type=client_credentials&client_assertion=abc.def.ghi&client_secret=s3cr3t-value&scope=okta.users.read");
        Assert.That(redacted, Does.Not.Contain("s3cr3t-value").And.Not.Contain("abc.def.ghi"));
        Assert.That(redacted, Does.Contain("grant_type=client_credentials").And.Contain("scope=okta.users.read"));
    }

    [Test]
    public void Every_query_value_of_an_absolute_url_is_redacted_and_the_names_stay()
    {
        var redacted = LogRedaction.Redact("Proxying to http://127.0.0.1:42325/api/v1/users?q=ada%40example.com&limit=2 HTTP/1.1");
        Assert.That(redacted, Is.EqualTo($"Proxying to http://127.0.0.1:42325/api/v1/users?q={LogRedaction.Marker}&limit={LogRedaction.Marker} HTTP/1.1"));
        Assert.That(LogRedaction.Redact("GET https://x.okta.com/api/v1/users/00u1 done"), Is.EqualTo("GET https://x.okta.com/api/v1/users/00u1 done"));
    }

    [Test]
    public void Header_lines_in_free_text_are_redacted_to_the_end_of_the_line()
    {
        var redacted = LogRedaction.Redact("Request headers:\nAuthorization: something private\nAccept: application/json");
        Assert.That(redacted, Does.Not.Contain("something private").And.Contain("Accept: application/json"));
    }

    [TestCase("SSWS")]
    [TestCase("Bearer")]
    [TestCase("DPoP")]
    [TestCase("Basic")]
    public void Authorization_scheme_credentials_are_redacted_anywhere(string scheme)
    {
        var redacted = LogRedaction.Redact($"upstream refused ({scheme} {Ssws}) with 401");
        Assert.That(redacted, Does.Not.Contain(Ssws).And.Contain(scheme + " " + LogRedaction.Marker).And.Contain("with 401"));
    }

    [Test]
    public void Api_keys_are_redacted_anywhere()
    {
        var redacted = LogRedaction.Redact($"key {ApiKey}, again:{ApiKey}.");
        Assert.That(redacted, Does.Not.Contain(ApiKey[8..]));
        Assert.That(redacted, Does.Contain("qp_live_" + LogRedaction.Marker));
    }

    [Test]
    public void Jwts_are_redacted_anywhere()
    {
        Assert.That(LogRedaction.Redact($"assertion={Jwt}"), Does.Not.Contain("eyJzdWIi"));
        Assert.That(LogRedaction.Redact($"proof ({Jwt}) sent"), Does.Not.Contain("eyJzdWIi").And.Contain("sent"));
    }

    [Test]
    public void Long_hex_is_redacted_but_trace_and_span_ids_are_not()
    {
        var key = Convert.ToHexStringLower(new byte[32].Select((_, i) => (byte)(i * 37 + 11)).ToArray());
        Assert.That(LogRedaction.Redact($"hmac {key} used"), Does.Not.Contain(key));
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736", spanId = "00f067aa0ba902b7";
        Assert.That(LogRedaction.Redact($"trace {traceId} span {spanId}"), Is.EqualTo($"trace {traceId} span {spanId}"));
    }

    [Test]
    public void Long_random_base64_is_redacted_but_paths_ulids_and_names_are_not()
    {
        var secret = Convert.ToBase64String(Enumerable.Range(0, 48).Select(i => (byte)(i * 73 + 19)).ToArray());
        Assert.That(LogRedaction.Redact($"seed={secret}x"[..^1] + " "), Does.Not.Contain(secret));
        Assert.That(LogRedaction.Redact($"blob {secret} end"), Does.Not.Contain(secret));
        string[] keep =
        [
            "/api/v2/tenants/ten_01M8VCR94MP0RVS2XC5F1E7S34/envelope-keys", "/tmp/qp-test-4f2a9c1e0b7d4e5f8a6b3c2d1e0f9a8b/kms-local-master.key",
            "Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.Http1Connection", "aud_01M8VD5ZQA65YQ611DS8B2SCS4 req_01M8VD8QBENBNJ26J17XVDF1JR",
        ];
        foreach (var text in keep) Assert.That(LogRedaction.Redact(text), Is.EqualTo(text));
    }

    [Test]
    public void Structured_state_is_redacted_by_name_and_by_value_and_the_message_is_rendered_from_it()
    {
        var state = RedactedLogState.From(
        [
            new("ClientSecret", "short"), new("Body", """{"a":1}"""), new("Header", "Bearer " + Ssws), new("Count", 3), new("TenantId", "ten_01HZ"),
            new("{OriginalFormat}", "secret {ClientSecret} body {Body} header {Header} count {Count:D2} tenant {TenantId} {{literal}}"),
        ], "ignored");
        Assert.That(state.Message, Is.EqualTo($"secret {LogRedaction.Marker} body {LogRedaction.Marker} header Bearer {LogRedaction.Marker} count 03 tenant ten_01HZ {{literal}}"));
        Assert.That(state.Single(p => p.Key == "Count").Value, Is.EqualTo(3), "numbers stay numbers");
        Assert.That(state.Single(p => p.Key == "ClientSecret").Value, Is.EqualTo(LogRedaction.Marker));
    }

    [Test]
    public void The_logger_factory_redacts_message_state_scope_and_exception()
    {
        var capture = new CapturingLoggerProvider();
        using var factory = new RedactingLoggerFactory(LoggerFactory.Create(b => b.AddProvider(capture).SetMinimumLevel(LogLevel.Trace)));
        var logger = factory.CreateLogger("test");
        using (logger.BeginScope(new Dictionary<string, object?> { ["Authorization"] = "Bearer " + Ssws, ["Path"] = "/api/v2/vault" }))
        {
#pragma warning disable CA2254 // The template is built on purpose: a careless log line is what redaction is for.
            logger.LogWarning(new InvalidOperationException("upstream said SSWS " + Ssws), "call with key " + ApiKey + " and {Token}", "tok-" + Ssws);
#pragma warning restore CA2254
        }
        var all = capture.AllText;
        Assert.That(all, Does.Not.Contain(Ssws).And.Not.Contain(ApiKey[8..]));
        Assert.That(all, Does.Contain("/api/v2/vault").And.Contain(LogRedaction.Marker));
    }

    [Test]
    public void Deeply_nested_json_in_a_log_line_is_redacted_without_recursing_through_every_level()
    {
        const int depth = 3000;
        var json = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "{\"client_secret\":\"deep-canary-value\"}" + new string('}', depth);
        var redacted = LogRedaction.Redact("payload " + json);
        Assert.That(redacted, Does.Not.Contain("deep-canary-value"));
        Assert.That(redacted, Does.Contain(LogRedaction.Marker));
    }

    [Test]
    public void Text_longer_than_the_limit_is_cut_before_the_rules_run_and_the_rest_still_redacted()
    {
        var text = "Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345\n" + new string('x', LogRedaction.MaxTextLength * 4);
        var redacted = LogRedaction.Redact(text);
        Assert.That(redacted, Has.Length.LessThan(LogRedaction.MaxTextLength + 64));
        Assert.That(redacted, Does.EndWith("[truncated]"));
        Assert.That(redacted, Does.Not.Contain("abcdefghijklmnopqrstuvwxyz012345"));
    }
}
