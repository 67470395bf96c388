using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Proxy.Pipeline;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;
using QuantaProxy.OktaSandbox;

namespace QuantaProxy.Gateway.FunctionalTests.Proxy.Pipeline;

/// <summary>
/// The pipeline entered without any HTTP request (as a transparent front door or a resumed approval will), and its stages
/// one at a time: each refuses on its own, records its refusal, and the order keeps the cheap gates first.
/// </summary>
public sealed class OutboundPipelineTests
{
    private const string Token = "00pipeline-token";
    private OktaSandboxServer _okta = null!;
    private GatewayHost _host = null!;
    private TenantSession _tenant = null!;
    private string _integration = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _okta = await OktaSandboxServer.StartAsync(new SandboxOptions { ApiTokens = { Token }, SeedUsers = 5 });
        _host = await GatewayHost.StartAsync();
        _tenant = await TenantSession.CreateAsync(_host, "pipeline");
        (_, _integration) = await _tenant.ListUsersIntegrationAsync(_host, _okta.BaseAddress, Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _host.DisposeAsync();
        await _okta.DisposeAsync();
    }

    private OutboundCall Call(string operation, string payload = "{}", string? integration = null) =>
        new(new CallerContext(_tenant.ApiKeyId, _tenant.TenantId, ["proxy:invoke"]), _tenant.TenantId, "req_pipeline_test",
            new AuditContext(Crypto.Formats.PrefixedId.New(Crypto.Formats.PrefixedId.AuditEvent)) { TenantId = _tenant.TenantId, Actor = _tenant.ApiKeyId })
        {
            RequestedIntegrationId = integration ?? _integration,
            RequestedOperation = operation,
            Payload = JsonDocument.Parse(payload).RootElement,
        };

    private T Stage<T>() where T : notnull => _host.Services.GetRequiredService<T>();

    private async Task<JsonNode> EventAsync(string eventId)
    {
        var events = (await _host.OkAsync(HttpMethod.Get, "/api/v2/audit/events?limit=1000", _tenant.ApiKey))["events"]!.AsArray();
        return events.Single(e => e!["event_id"]!.GetValue<string>() == eventId)!;
    }

    [Test]
    public async Task A_call_runs_to_a_sealed_answer_with_no_HTTP_request_and_is_recorded()
    {
        var call = Call("list_users", """{"limit": 2}""");
        await Stage<OutboundPipeline>().RunAsync(call, CancellationToken.None);
        var plaintext = JsonNode.Parse(EnvelopeTestOpener.Open(await _tenant.BundleJsonAsync(_host), call.Envelope!, call.RequestId))!;
        Assert.That(plaintext["body"]!.AsArray(), Has.Count.EqualTo(2));
        var recorded = await EventAsync(call.Audit.EventId);
        Assert.That(recorded["outcome"]!.GetValue<string>(), Is.EqualTo("success"));
        Assert.That(recorded["actor"]!.GetValue<string>(), Is.EqualTo(_tenant.ApiKeyId));
    }

    [Test]
    public void The_stages_run_in_the_designed_order()
    {
        Assert.That(Stage<OutboundPipeline>().Stages.Select(s => s.GetType().Name), Is.EqualTo(new[]
        {
            nameof(ResolveIntegrationStage), nameof(ResolveOperationStage), nameof(AllowListStage), nameof(BindArgumentsStage), nameof(DelegationStage),
            nameof(QuantaProxy.Gateway.Policies.PolicyStage), nameof(IdempotencyStage), nameof(IntentStage), nameof(CredentialStage), nameof(OktaCallStage), nameof(SealAndRecordStage),
        }));
    }

    [Test]
    public async Task The_allow_list_stage_alone_refuses_and_records_proxy_denied()
    {
        var call = Call("deactivate_user", """{"user_id": "00u1"}""");
        await Stage<ResolveIntegrationStage>().RunAsync(call, CancellationToken.None);
        await Stage<ResolveOperationStage>().RunAsync(call, CancellationToken.None);
        var refusal = Assert.ThrowsAsync<ApiException>(async () => await Stage<AllowListStage>().RunAsync(call, CancellationToken.None));
        Assert.That(refusal!.Code, Is.EqualTo(ProblemCodes.OperationNotAllowed));
        var recorded = await EventAsync(call.Audit.EventId);
        Assert.That(recorded["type"]!.GetValue<string>(), Is.EqualTo(AuditEventTypes.ProxyDenied));
        Assert.That(recorded["operation"]!.GetValue<string>(), Is.EqualTo("deactivate_user"));
    }

    [Test]
    public async Task The_argument_stage_alone_binds_typed_arguments_or_refuses()
    {
        var call = Call("list_users", """{"limit": 7, "search": "profile.department eq \"Sales\""}""");
        await Stage<ResolveIntegrationStage>().RunAsync(call, CancellationToken.None);
        await Stage<ResolveOperationStage>().RunAsync(call, CancellationToken.None);
        Assert.That(await Stage<BindArgumentsStage>().RunAsync(call, CancellationToken.None), Is.True);
        Assert.That(call.Request!.Arguments.Single(a => a.Name == "limit").Value, Is.EqualTo(7L));

        var bad = Call("list_users", """{"limit": "seven"}""");
        await Stage<ResolveIntegrationStage>().RunAsync(bad, CancellationToken.None);
        await Stage<ResolveOperationStage>().RunAsync(bad, CancellationToken.None);
        var refusal = Assert.ThrowsAsync<ApiException>(async () => await Stage<BindArgumentsStage>().RunAsync(bad, CancellationToken.None));
        Assert.That(refusal!.Field, Is.EqualTo("payload.limit"));
        Assert.That((await EventAsync(bad.Audit.EventId))["outcome"]!.GetValue<string>(), Is.EqualTo(ProblemCodes.InvalidPayload));
    }

    [Test]
    public void Another_tenants_integration_is_not_found_by_the_first_stage()
    {
        var call = Call("list_users", integration: "int_01M90X5E4DYSF2XRWPTQZ7V51X");
        var refusal = Assert.ThrowsAsync<ApiException>(async () => await Stage<ResolveIntegrationStage>().RunAsync(call, CancellationToken.None));
        Assert.That(refusal!.Status, Is.EqualTo(404));
    }
}
