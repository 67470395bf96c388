using System.Text.Json;
using BenchmarkDotNet.Attributes;
using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.Policies;

namespace QuantaProxy.Benchmarks;

/// <summary>
/// The policy stage's evaluation of one call against a tenant set of 100 policies, as the stage does it: the call's facts
/// (agent principal, operation in its risk group, integration, person, typed arguments, time, calls today) turned into
/// Cedar entities and context, then the authorization. The stage's reads (cached set, kill switches, the daily count) are
/// not part of it.
/// </summary>
[MemoryDiagnoser]
public class PolicyStageBenchmarks
{
    private ActivePolicySet _set = null!;
    private PolicyFacts _facts = null!;

    [GlobalSetup]
    public void Setup()
    {
        _set = ActivePolicySet.Compile(BenchmarkPolicySet.Generate(100), 1, new PolicyOptions());
        OktaOperationCatalog.Default.TryGet("list_users", out var operation);
        var arguments = operation.Validate(JsonSerializer.SerializeToElement(new { limit = 50, search = "profile.department eq \"Sales\"" })).Arguments;
        var integration = new IntegrationRecord("int_1", "ten_1", "okta-prod", "okta", "https://acme.okta.com", "vlt_1", [], [], "", "");
        _facts = new PolicyFacts(PolicyPrincipal.Agent("https://acme.okta.com/oauth2/default", "triage-bot", "ten_1"), operation, integration,
            new PolicyHuman("00uops", "ops@acme.com", "ACTIVE", ["00gadmins", "00geveryone"]), arguments, null,
            new DateTimeOffset(2026, 12, 1, 11, 0, 0, TimeSpan.Zero), 42);
        if (!PolicyEvaluator.Evaluate(_set, _facts).Allowed) throw new InvalidOperationException("The benchmark's call should be allowed.");
    }

    [Benchmark]
    public PolicyOutcome Evaluate100() => PolicyEvaluator.Evaluate(_set, _facts);
}
