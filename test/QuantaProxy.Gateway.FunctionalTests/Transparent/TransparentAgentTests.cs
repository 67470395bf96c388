using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using QuantaProxy.Gateway.FunctionalTests.Agents;
using QuantaProxy.Gateway.Transparent;

namespace QuantaProxy.Gateway.FunctionalTests.Transparent;

/// <summary>
/// An agent's token on the transparent endpoints, as on /api/v2/proxy/outbound: a bearer or DPoP-bound AGBAC token is the
/// caller, the delegation of the person in it must cover the call, and a refusal is Okta's 403 with the human named in the
/// <c>proxy.denied</c> event.
/// </summary>
public sealed class TransparentAgentTests
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

    private Uri Url(string pathAndQuery) => new(_world.Gateway.BaseAddress, $"/okta/{_world.IntegrationId}{pathAndQuery}");

    private async Task<(HttpStatusCode Status, JsonNode? Body, string? EventId)> GetAsync(string pathAndQuery, string token, string scheme = "Bearer", string? proof = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(pathAndQuery));
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        if (proof is not null) request.Headers.Add("DPoP", proof);
        using var response = await _world.Gateway.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text),
            response.Headers.TryGetValues(TransparentAnswerFormat.AuditEventHeader, out var ids) ? ids.Single() : null);
    }

    [Test]
    public async Task A_bearer_agent_token_for_a_delegating_person_lists_users_and_the_event_names_both()
    {
        var (status, body, eventId) = await GetAsync("/api/v1/users?limit=2", await _world.AgbacTokenAsync(_world.AliceId));
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
        Assert.That(body!.AsArray(), Has.Count.EqualTo(2));
        var call = (await _world.AuditEventsAsync()).Single(e => e!["event_id"]!.GetValue<string>() == eventId)!;
        Assert.That(call["type"]!.GetValue<string>(), Is.EqualTo("proxy.call"));
        Assert.That(call["actor"]!.GetValue<string>(), Is.EqualTo($"agent:{_world.Agbac.Issuer}|{AgentWorld.AgentId}"));
        Assert.That(call["on_behalf_of"]!.GetValue<string>(), Is.EqualTo(_world.AliceId));
    }

    [Test]
    public async Task A_DPoP_bound_agent_token_with_a_proof_for_the_Okta_path()
    {
        using var agent = _world.Agent(_world.Agbac);
        var token = await _world.AgbacTokenAsync(_world.AliceId, client: agent, dpop: true);
        // The proof's htu is the request URI without its query (RFC 9449 §4.3).
        var proof = agent.DpopProof(HttpMethod.Get, Url("/api/v1/users"), token);
        var (status, body, _) = await GetAsync("/api/v1/users?limit=1", token, "DPoP", proof);
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());

        var (replayed, _, _) = await GetAsync("/api/v1/users?limit=1", token, "DPoP", proof);
        Assert.That(replayed, Is.EqualTo(HttpStatusCode.Unauthorized), "a proof is used once");
    }

    [Test]
    public async Task A_person_who_delegated_nothing_gets_Okta_403_and_the_event_names_the_human()
    {
        var (status, body, eventId) = await GetAsync("/api/v1/users?limit=2", await _world.AgbacTokenAsync(_world.BobId));
        Assert.That(status, Is.EqualTo(HttpStatusCode.Forbidden), body?.ToJsonString());
        Assert.That(body!["errorCode"]!.GetValue<string>(), Is.EqualTo("E0000006"));
        var denied = (await _world.AuditEventsAsync()).Single(e => e!["event_id"]!.GetValue<string>() == eventId)!;
        Assert.That(denied["type"]!.GetValue<string>(), Is.EqualTo("proxy.denied"));
        Assert.That(denied["on_behalf_of"]!.GetValue<string>(), Is.EqualTo(_world.BobId));
        Assert.That(denied["detail"]!.GetValue<string>(), Does.Contain("field=human"));
    }
}
