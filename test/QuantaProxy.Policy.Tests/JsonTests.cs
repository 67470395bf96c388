using System.Text.Json;
using QuantaProxy.Policy.Json;

namespace QuantaProxy.Policy.Tests;

public class JsonTests
{
    [Test]
    public void Cedar_json_entities_and_context_are_read()
    {
        using var entities = JsonDocument.Parse("""
            [{"uid": {"type": "QuantaProxy::Agent", "id": "a"}, "attrs": {"name": "A", "ip": {"__extn": {"fn": "ip", "arg": "10.0.0.1"}},
              "manager": {"__entity": {"type": "QuantaProxy::Agent", "id": "b"}}}, "parents": [{"type": "QuantaProxy::AgentGroup", "id": "g"}]}]
            """);
        using var context = JsonDocument.Parse("""{"risk": {"__extn": {"fn": "decimal", "arg": "0.5"}}, "tags": ["x", "x"], "n": 3}""");
        var store = CedarJson.ReadEntities(entities.RootElement);
        var ctx = CedarJson.ReadContext(context.RootElement);
        var set = PolicySet.Parse("""
            permit(principal in QuantaProxy::AgentGroup::"g", action, resource)
            when { principal.ip.isInRange(ip("10.0.0.0/8")) && principal.manager == QuantaProxy::Agent::"b" && context.risk.lessThan(decimal("0.75")) && context.tags == ["x"] && context.n == 3 };
            """);
        var d = Authorizer.IsAuthorized(new Request(new EntityUid("QuantaProxy::Agent", "a"), Cedar.ListUsers, Cedar.Okta, ctx), store, set);
        Assert.That(d.IsAllowed, Is.True, string.Join("; ", d.Errors));
    }

    [TestCase("""{"n": 1.5}""")]
    [TestCase("""{"ip": {"__extn": {"fn": "ip", "arg": "nope"}}}""")]
    [TestCase("""{"d": {"__extn": {"fn": "datetime", "arg": "2024-01-01"}}}""")]
    [TestCase("""[1]""")]
    public void Bad_context_json_is_refused(string json)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Throws<FormatException>(() => CedarJson.ReadContext(doc.RootElement));
    }
}
