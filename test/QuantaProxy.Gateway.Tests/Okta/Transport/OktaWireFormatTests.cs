using System.Text;
using System.Text.Json;
using QuantaProxy.Gateway.Okta.Authentication;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Tests.Okta.Transport;

public sealed class OktaWireFormatTests
{
    [Test]
    public void Plaintext_matches_formats_section_1()
    {
        var result = new OktaCallResult
        {
            Status = 200, OktaRequestId = "req1", RateLimit = new RateLimitInfo(600, 598, 1764000000), NextCursor = "00u2",
            Body = Encoding.UTF8.GetBytes("""[{"id":"00u1"}]"""),
        };
        Assert.That(Encoding.UTF8.GetString(result.ToPlaintextJson("list_users")), Is.EqualTo(
            """{"status":200,"operation":"list_users","okta_request_id":"req1","rate_limit":{"limit":600,"remaining":598,"reset":1764000000},"next_cursor":"00u2","body":[{"id":"00u1"}]}"""));
    }

    [Test]
    public void Empty_and_non_json_bodies_are_null_and_string()
    {
        var empty = new OktaCallResult { Status = 204 };
        Assert.That(Encoding.UTF8.GetString(empty.ToPlaintextJson("clear_user_sessions")), Is.EqualTo("""{"status":204,"operation":"clear_user_sessions","body":null}"""));
        var html = new OktaCallResult { Status = 502, Body = Encoding.UTF8.GetBytes("<html>bad gateway</html>"), Hint = "h" };
        using var doc = JsonDocument.Parse(html.ToPlaintextJson("get_user"));
        Assert.Multiple(() =>
        {
            Assert.That(doc.RootElement.GetProperty("body").GetString(), Is.EqualTo("<html>bad gateway</html>"));
            Assert.That(doc.RootElement.GetProperty("hint").GetString(), Is.EqualTo("h"));
        });
        var trailing = new OktaCallResult { Status = 200, Body = Encoding.UTF8.GetBytes("{} {}") };
        using var trailingDoc = JsonDocument.Parse(trailing.ToPlaintextJson("get_user"));
        Assert.That(trailingDoc.RootElement.GetProperty("body").ValueKind, Is.EqualTo(JsonValueKind.String));
    }

    [TestCase("<https://acme.okta.com/api/v1/users?limit=2>; rel=\"self\", <https://acme.okta.com/api/v1/users?after=00u%2B3&limit=2>; rel=\"next\"", "00u+3")]
    [TestCase("<https://a.okta.com/api/v1/logs?after=x1>; rel=\"prev next\"", "x1")]
    [TestCase("<https://a.okta.com/api/v1/logs?after=x1>; title=\"a;b,c\"; rel=next", "x1")]
    [TestCase("<https://a.okta.com/api/v1/users?after=1>; rel=\"self\"", null)]
    [TestCase("garbage", null)]
    public void Next_cursor_comes_from_the_rel_next_link(string header, string? expected)
    {
        var next = LinkHeader.FindNext([header]);
        Assert.That(next is null ? null : LinkHeader.QueryValue(next, "after"), Is.EqualTo(expected));
    }

    [Test]
    public void Credential_parses_each_type_and_never_prints_secrets()
    {
        using var apiKey = OktaCredential.Parse("api_key", 2, Encoding.UTF8.GetBytes("""{"token":"00abcSECRET"}"""));
        Assert.Multiple(() =>
        {
            Assert.That(apiKey.ToString(), Is.EqualTo("OktaCredential(api_key, v2)"));
            Assert.That(apiKey.SswsAuthorization(), Is.EqualTo("SSWS 00abcSECRET"));
        });
        using var jwt = OktaCredential.Parse("private_key_jwt", 1, Encoding.UTF8.GetBytes("""{"client_id":"0oa1","private_key_jwk":{"kty":"EC","d":"SECRET"},"kid":"k1"}"""));
        Assert.Multiple(() =>
        {
            Assert.That(jwt.ClientId, Is.EqualTo("0oa1"));
            Assert.That(jwt.KeyId, Is.EqualTo("k1"));
            Assert.That(Encoding.UTF8.GetString(jwt.PrivateKeyJwkJson), Is.EqualTo("""{"kty":"EC","d":"SECRET"}"""));
            Assert.That(jwt.ToString(), Does.Not.Contain("SECRET"));
        });
        var bad = Assert.Throws<OktaCallException>(() => OktaCredential.Parse("api_key", 1, Encoding.UTF8.GetBytes("""{"token":"has space SECRET"}""")))!;
        Assert.Multiple(() =>
        {
            Assert.That(bad.Code, Is.EqualTo("okta_auth_failed"));
            Assert.That(bad.Message, Does.Not.Contain("SECRET"));
        });
        Assert.Throws<OktaCallException>(() => OktaCredential.Parse("api_key", 1, Encoding.UTF8.GetBytes("""{"token":"a","token":"b"}""")));
        Assert.Throws<OktaCallException>(() => OktaCredential.Parse("oauth2_client", 1, Encoding.UTF8.GetBytes("""{"client_id":"c"}""")));
        apiKey.Dispose();
        Assert.Throws<ObjectDisposedException>(() => apiKey.SswsAuthorization());
    }
}
