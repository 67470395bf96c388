using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Agents;

/// <summary>
/// Both subjects checked on the proxy path with real tokens from the sandbox: the agent's registration and the person's
/// delegation must both allow the call; a refusal names the subject that failed; every event names both.
/// </summary>
public sealed class DelegationTests
{
    private AgentWorld _world = null!;
    private string _aliceDelegation = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _world = await AgentWorld.StartAsync();
        _aliceDelegation = await _world.DelegateAsync(_world.AgentRecordId, _world.AliceLogin, ["list_users"]);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // Nothing to stop when the fixture was inconclusive (no server) before it started anything.
        if (_world is not null) await _world.DisposeAsync();
    }

    [Test]
    public async Task An_agbac_agent_acting_for_a_delegating_person_is_allowed_and_the_event_names_both()
    {
        var (status, body) = await _world.CallAsync(await _world.AgbacTokenAsync(_world.AliceId));
        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var call = (await _world.AuditEventsAsync()).Last(e => e!["type"]!.GetValue<string>() == "proxy.call")!;
        Assert.That(call["actor"]!.GetValue<string>(), Is.EqualTo($"agent:{_world.Agbac.Issuer}|{AgentWorld.AgentId}"));
        Assert.That(call["on_behalf_of"]!.GetValue<string>(), Is.EqualTo(_world.AliceId));
        Assert.That(call["detail"]!.GetValue<string>(), Does.Contain($"delegation={_aliceDelegation}").And.Contain($"agent={_world.AgentRecordId}"));
    }

    [Test]
    public async Task A_person_who_delegated_nothing_is_refused_naming_the_human()
    {
        var (status, body) = await _world.CallAsync(await _world.AgbacTokenAsync(_world.BobId));
        Assert.That(status, Is.EqualTo(403), body?.ToJsonString());
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("no_delegation"));
        Assert.That(body["field"]!.GetValue<string>(), Is.EqualTo("human"));
        var denied = (await _world.AuditEventsAsync()).Last(e => e!["type"]!.GetValue<string>() == "proxy.denied")!;
        Assert.That(denied["on_behalf_of"]!.GetValue<string>(), Is.EqualTo(_world.BobId));
        Assert.That(denied["detail"]!.GetValue<string>(), Does.Contain("field=human"));
    }

    [Test]
    public async Task An_operation_the_agent_is_not_registered_for_is_refused_naming_the_agent_even_with_the_integration_allowing_it()
    {
        var (status, body) = await _world.CallAsync(await _world.AgbacTokenAsync(_world.AliceId), "list_groups", new { limit = 1 });
        Assert.That(status, Is.EqualTo(403), body?.ToJsonString());
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("agent_not_allowed"));
        Assert.That(body["field"]!.GetValue<string>(), Is.EqualTo("agent"));
    }

    [Test]
    public async Task An_operation_the_agent_may_use_but_the_person_did_not_delegate_is_refused_naming_the_human()
    {
        var (status, body) = await _world.CallAsync(await _world.AgbacTokenAsync(_world.AliceId), "get_user", new { user_id = _world.BobId });
        Assert.That(status, Is.EqualTo(403), body?.ToJsonString());
        Assert.That(body!["field"]!.GetValue<string>(), Is.EqualTo("human"));
    }

    [Test]
    public async Task A_token_exchange_token_names_the_person_by_login_and_id_and_a_daily_limit_holds()
    {
        var agent = await _world.RegisterAgentAsync(_world.ExchangeIssuerId, AgentWorld.AgentId, ["list_users"]);
        var delegation = await _world.DelegateAsync(agent, _world.AliceId, ["list_users"], callsPerDay: 1);
        using var client = _world.Agent(_world.Exchange);
        var idToken = _world.Exchange.IssueIdToken(_world.AliceLogin, AgentWorld.AgentId);
        var token = (await client.ExchangeIdTokenAsync(idToken, "qp.proxy")).EnsureAccessToken();

        var (status, body) = await _world.CallAsync(token);
        Assert.That(status, Is.EqualTo(200), body?.ToJsonString());
        var call = (await _world.AuditEventsAsync()).Last(e => e!["type"]!.GetValue<string>() == "proxy.call")!;
        Assert.That(call["on_behalf_of"]!.GetValue<string>(), Is.EqualTo(_world.AliceId));
        Assert.That(call["actor"]!.GetValue<string>(), Is.EqualTo($"agent:{_world.Exchange.Issuer}|{AgentWorld.AgentId}"));
        Assert.That(call["detail"]!.GetValue<string>(), Does.Contain($"delegation={delegation}"));

        (status, body) = await _world.CallAsync(token);
        Assert.That(status, Is.EqualTo(429), body?.ToJsonString());
        Assert.That(body!["code"]!.GetValue<string>(), Is.EqualTo("delegation_quota_exceeded"));
    }

    [Test]
    public async Task A_revoked_delegation_refuses_and_a_restore_allows_again()
    {
        var agent = await _world.RegisterAgentAsync(await _world.TrustIssuerAsync(_world.Other, "agbac"), AgentWorld.AgentId, ["list_users"]);
        var delegation = await _world.DelegateAsync(agent, _world.BobId, ["list_users"]);
        using var client = _world.Agent(_world.Other);
        var token = (await client.ClientCredentialsAsync("qp.proxy", new System.Text.Json.Nodes.JsonObject { ["sub"] = _world.BobId })).EnsureAccessToken();
        Assert.That((await _world.CallAsync(token)).Status, Is.EqualTo(200));

        var revoked = await _world.Gateway.OkAsync(HttpMethod.Post, $"/api/v2/delegations/{delegation}/revoke", _world.Tenant.ApiKey);
        Assert.That(revoked["status"]!.GetValue<string>(), Is.EqualTo("revoked"));
        var (status, body) = await _world.CallAsync(token);
        Assert.That(status, Is.EqualTo(403), body?.ToJsonString());
        Assert.That(body!["field"]!.GetValue<string>(), Is.EqualTo("human"));

        await _world.Gateway.OkAsync(HttpMethod.Post, $"/api/v2/delegations/{delegation}/restore", _world.Tenant.ApiKey);
        Assert.That((await _world.CallAsync(token)).Status, Is.EqualTo(200));
        var types = (await _world.AuditEventsAsync()).Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.That(types, Does.Contain("delegation.revoke").And.Contain("delegation.restore"));
    }

    [Test]
    public async Task A_delegation_for_another_tenants_agent_is_not_found_and_nothing_is_created()
    {
        var other = await TenantSession.CreateAsync(_world.Gateway, "other");
        var (response, body) = await _world.Gateway.SendAsync(HttpMethod.Post, "/api/v2/delegations", other.ApiKey, new
        {
            agent_id = _world.AgentRecordId, integration_id = _world.IntegrationId, operations = new[] { "list_users" }, person = _world.AliceId,
            expires_at = DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
        });
        Assert.That((int)response.StatusCode, Is.EqualTo(404), body?.ToJsonString());
        Assert.That(body!["field"]!.GetValue<string>(), Is.EqualTo("agent_id"));
        var list = await _world.Gateway.OkAsync(HttpMethod.Get, "/api/v2/delegations", other.ApiKey);
        Assert.That(list["delegations"]!.AsArray(), Is.Empty);
    }

    [Test]
    public async Task An_api_key_caller_is_unaffected_and_the_chain_verifies()
    {
        var (response, body) = await _world.Gateway.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound", _world.Tenant.ApiKey,
            new { integration_id = _world.IntegrationId, operation = "list_groups", payload = new { limit = 1 } });
        Assert.That((int)response.StatusCode, Is.EqualTo(200), body?.ToJsonString());
        var verify = await _world.Gateway.OkAsync(HttpMethod.Get, "/api/v2/audit/verify", _world.Tenant.ApiKey);
        Assert.That(verify["valid"]!.GetValue<bool>(), Is.True);
    }
}
