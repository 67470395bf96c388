using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Errors;

namespace QuantaProxy.Gateway.Tests.Audit;

/// <summary>What the audit listing's filter accepts, how it normalizes time bounds, and that each refusal names its parameter.</summary>
public sealed class AuditEventFilterTests
{
    private const string IntegrationId = "int_01JABCDEFGHJKMNPQRSTVWXYZ0";

    private static AuditEventFilter Parse(params (string Name, string[] Values)[] query) =>
        AuditEventFilter.Parse(new QueryCollection(query.ToDictionary(q => q.Name, q => new StringValues(q.Values))));

    private static AuditEventFilter Parse(string name, string value) => Parse((name, [value]));

    [Test]
    public void No_parameters_is_no_filter() => Assert.That(Parse(), Is.EqualTo(AuditEventFilter.None));

    [Test]
    public void Every_field_is_read_as_given()
    {
        var filter = Parse(("integration_id", [IntegrationId]), ("operation", ["list_users"]), ("actor", ["agent:https://okta.example/oauth2/aus1|0oa1"]),
            ("on_behalf_of", ["00u1abc"]), ("outcome", ["policy_denied"]), ("type", ["proxy.call"]));
        Assert.That(filter, Is.EqualTo(new AuditEventFilter(IntegrationId, "list_users", "agent:https://okta.example/oauth2/aus1|0oa1", "00u1abc", "policy_denied", "proxy.call")));
    }

    [Test]
    public void A_person_named_by_login_and_a_console_actor_are_accepted()
    {
        Assert.That(Parse("on_behalf_of", "alice@example.com").OnBehalfOf, Is.EqualTo("alice@example.com"));
        Assert.That(Parse("actor", "console:https://okta.example/oauth2/aus1|00u9").Actor, Is.EqualTo("console:https://okta.example/oauth2/aus1|00u9"));
    }

    [TestCase("2026-01-31T09:30:00Z", "2026-01-31T09:30:00.000Z")]
    [TestCase("2026-01-31T09:30Z", "2026-01-31T09:30:00.000Z")]
    [TestCase("2026-01-31T09:30:00.123Z", "2026-01-31T09:30:00.123Z")]
    [TestCase("2026-01-31T09:30:00.0000000Z", "2026-01-31T09:30:00.000Z")]
    [TestCase("2026-01-31T10:30:00+01:00", "2026-01-31T09:30:00.000Z")]
    [TestCase("2026-01-31T09:30:00.1231Z", "2026-01-31T09:30:00.124Z")]
    [TestCase("2026-01-31T23:59:59.9999999Z", "2026-02-01T00:00:00.000Z")]
    public void Time_bounds_are_normalized_to_the_stored_format_rounding_up_to_the_millisecond(string given, string stored)
    {
        Assert.That(Parse("from", given).From, Is.EqualTo(stored));
        Assert.That(Parse("to", given).To, Is.EqualTo(stored));
    }

    [TestCase("integration_id", "int_nope")]
    [TestCase("integration_id", "ten_01JABCDEFGHJKMNPQRSTVWXYZ0")]
    [TestCase("integration_id", "")]
    [TestCase("operation", "list users")]
    [TestCase("operation", "list_users%")]
    [TestCase("operation", "list_users' OR '1'='1")]
    [TestCase("outcome", "ok*")]
    [TestCase("outcome", "ok\u202e")]
    [TestCase("type", "Proxy.Call")]
    [TestCase("type", "proxy-call")]
    [TestCase("actor", "key 1")]
    [TestCase("actor", "agent:x|\u0000")]
    [TestCase("actor", "console:é")]
    [TestCase("on_behalf_of", "")]
    [TestCase("on_behalf_of", "alice\nforged")]
    [TestCase("from", "2026-01-31T09:30:00")]
    [TestCase("from", "2026-01-31")]
    [TestCase("from", "yesterday")]
    [TestCase("from", "31/01/2026 09:30Z")]
    [TestCase("to", "2026-13-01T00:00:00Z")]
    [TestCase("to", "1970-01-01T00:00:00Z")]
    public void A_bad_value_is_refused_naming_its_parameter(string name, string value)
    {
        var refusal = Assert.Throws<ApiException>(() => Parse(name, value))!;
        Assert.That(refusal.Status, Is.EqualTo(400));
        Assert.That(refusal.Field, Is.EqualTo(name));
    }

    [TestCase("operation", 101)]
    [TestCase("outcome", 101)]
    [TestCase("actor", 601)]
    [TestCase("on_behalf_of", 257)]
    [TestCase("from", 41)]
    public void An_overlong_value_is_refused_naming_its_parameter(string name, int length)
    {
        var refusal = Assert.Throws<ApiException>(() => Parse(name, new string('a', length)))!;
        Assert.That(refusal.Field, Is.EqualTo(name));
        Assert.That(refusal.Message, Does.Contain("longer than"));
    }

    [Test]
    public void A_parameter_given_twice_is_refused()
    {
        var refusal = Assert.Throws<ApiException>(() => Parse(("operation", ["list_users", "get_user"])))!;
        Assert.That(refusal.Field, Is.EqualTo("operation"));
    }

    [Test]
    public void From_must_be_before_to()
    {
        var refusal = Assert.Throws<ApiException>(() => Parse(("from", ["2026-01-31T10:00:00Z"]), ("to", ["2026-01-31T10:00:00Z"])))!;
        Assert.That(refusal.Field, Is.EqualTo("from"));
        Assert.That(Parse(("from", ["2026-01-31T10:00:00Z"]), ("to", ["2026-01-31T10:00:00.001Z"])).To, Is.EqualTo("2026-01-31T10:00:00.001Z"));
    }
}
