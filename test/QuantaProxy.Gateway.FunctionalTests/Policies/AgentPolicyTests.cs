using QuantaProxy.Gateway.FunctionalTests.Agents;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Policies;

/// <summary>
/// Policies and kill switches on agents acting for people, with real agent tokens from the sandbox: the principal is
/// the agent (issuer|client id), the person is <c>context.human</c> as Okta reports them, and a kill switch on the
/// registered agent stops it.
/// </summary>
public sealed class AgentPolicyTests
{
    private AgentWorld _world = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _world = await AgentWorld.StartAsync();
        await _world.DelegateAsync(_world.AgentRecordId, _world.AliceLogin, ["list_users"]);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Nothing to stop when the fixture was inconclusive (no server) before it started anything.
        if (_world is not null) await _world.DisposeAsync();
    }

    [TearDown]
    public async Task PoliciesOffAsync() => await _world.Gateway.OkAsync(HttpMethod.Put, "/api/v2/policies", _world.Tenant.ApiKey, new { policies = "" });

    private Task UploadAsync(string text) => _world.Gateway.OkAsync(HttpMethod.Put, "/api/v2/policies", _world.Tenant.ApiKey, new { policies = text });

    [Test]
    public async Task The_agent_is_the_principal_and_the_person_is_in_the_context()
    {
        await UploadAsync($$"""
            @id("this-agent") permit(principal == QuantaProxy::Agent::"{{_world.Agbac.Issuer}}|{{AgentWorld.AgentId}}", action, resource)
              when { context has human && context.human.id == "{{_world.AliceId}}" && context.human.status == "ACTIVE" };
            """);
        var (status, body) = await _world.CallAsync(await _world.AgbacTokenAsync(_world.AliceId));
        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var call = (await _world.AuditEventsAsync()).Last(e => e!["type"]!.GetValue<string>() == "proxy.call")!;
        Assert.That(call["detail"]!.GetValue<string>(), Does.Contain("policies=this-agent").And.Contain("delegation="));

        await UploadAsync($$"""
            @id("all") permit(principal, action, resource);
            @id("not-for-alice") @reason("Alice's requests go through the service desk")
            forbid(principal is QuantaProxy::Agent, action, resource) when { context has human && context.human.login == "{{_world.AliceLogin}}" };
            """);
        (status, body) = await _world.CallAsync(await _world.AgbacTokenAsync(_world.AliceId));
        Assert.That(status, Is.EqualTo(403), body?.ToJsonString());
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("policy_denied"));
        Assert.That(body.ToJsonString(), Does.Contain("service desk"));
        var denied = (await _world.AuditEventsAsync()).Last(e => e!["type"]!.GetValue<string>() == "proxy.denied")!;
        Assert.That(denied["on_behalf_of"]!.GetValue<string>(), Is.EqualTo(_world.AliceId));
    }

    [Test]
    public async Task A_kill_switch_on_the_agent_stops_it()
    {
        var killed = await _world.Gateway.OkAsync(HttpMethod.Post, "/api/v2/kill-switches", _world.Tenant.ApiKey,
            new { target_type = "agent", target_id = _world.AgentRecordId, reason = "agent misbehaving" });
        try
        {
            var (status, body) = await _world.CallAsync(await _world.AgbacTokenAsync(_world.AliceId));
            Assert.That(status, Is.EqualTo(403), body?.ToJsonString());
            Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("kill_switch"));
            Assert.That(body["field"]!.GetValue<string>(), Is.EqualTo("agent"));
        }
        finally
        {
            await _world.Gateway.OkAsync(HttpMethod.Delete, $"/api/v2/kill-switches/{killed["kill_switch_id"]}", _world.Tenant.ApiKey);
        }
        Assert.That((await _world.CallAsync(await _world.AgbacTokenAsync(_world.AliceId))).Status, Is.EqualTo(200));
    }
}
