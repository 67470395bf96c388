using System.Text;
using BenchmarkDotNet.Attributes;
using QuantaProxy.Policy;
using QuantaProxy.Policy.Entities;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Benchmarks;

/// <summary>
/// One authorization over a set of 100 policies shaped like the gateway's: scope checks on agent groups and action
/// groups, attribute and context conditions, no heavy matching. Most policies' scopes do not match the request, as in
/// a real set where each policy targets some operations; <c>AllScopesMatch</c> makes every policy evaluate its conditions.
/// </summary>
[MemoryDiagnoser]
public class PolicyBenchmarks
{
    private const string Ns = "QuantaProxy";
    private static readonly string[] Operations =
        ["list_users", "get_user", "get_system_log", "update_user", "add_user_to_group", "remove_user_from_group", "deactivate_user", "suspend_user"];

    private PolicySet _typical = null!;
    private PolicySet _allMatch = null!;
    private EntityStore _entities = null!;
    private Request _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        var typical = new StringBuilder();
        var allMatch = new StringBuilder();
        for (var i = 0; i < 100; i++)
        {
            var op = Operations[i % Operations.Length];
            var condition = (i % 4) switch
            {
                0 => "principal.tenant == \"acme\" && context.time.hour >= 8 && context.time.hour < 18",
                1 => "context has human && context.human.groups.contains(\"Okta Admins\")",
                2 => "context.calls_today < 1000 && resource.okta_domain like \"*.okta.com\"",
                _ => "context.args has limit && context.args.limit <= 200",
            };
            var effect = i % 10 == 9 ? "forbid" : "permit";
            typical.Append(CultureFormattable($"@id(\"p{i}\")\n{effect}(principal in {Ns}::AgentGroup::\"team{i % 5}\", action == {Ns}::Action::\"{op}\", resource)\nwhen {{ {condition} }};\n"));
            allMatch.Append(CultureFormattable($"@id(\"p{i}\")\npermit(principal, action in {Ns}::Action::\"read\", resource)\nwhen {{ {condition} }};\n"));
        }
        _typical = PolicySet.Parse(typical.ToString());
        _allMatch = PolicySet.Parse(allMatch.ToString());
        var agent = new EntityUid($"{Ns}::Agent", "agent-7");
        _entities = new EntityStore([
            new Entity(agent, [new("name", new StringValue("triage bot")), new("tenant", new StringValue("acme"))], [new EntityUid($"{Ns}::AgentGroup", "team2")]),
            new Entity(new EntityUid($"{Ns}::AgentGroup", "team2"), null, [new EntityUid($"{Ns}::AgentGroup", "all")]),
            new Entity(new EntityUid($"{Ns}::Action", "list_users"), null, [new EntityUid($"{Ns}::Action", "read")]),
            new Entity(new EntityUid($"{Ns}::Integration", "int-1"), [new("name", new StringValue("okta-prod")), new("okta_domain", new StringValue("acme.okta.com"))]),
        ]);
        var context = new RecordValue([
            new("human", new RecordValue([new("login", new StringValue("ops@acme.com")), new("groups", new SetValue([new StringValue("Okta Admins")]))])),
            new("args", new RecordValue([new("limit", new LongValue(50))])),
            new("time", new RecordValue([new("hour", new LongValue(11)), new("weekday", new LongValue(2))])),
            new("calls_today", new LongValue(42)),
        ]);
        _request = new Request(agent, new EntityUid($"{Ns}::Action", "list_users"), new EntityUid($"{Ns}::Integration", "int-1"), context);
        if (!Authorizer.IsAuthorized(_request, _entities, _typical).IsAllowed || !Authorizer.IsAuthorized(_request, _entities, _allMatch).IsAllowed)
        {
            throw new InvalidOperationException("The benchmark's request should be allowed.");
        }
    }

    private static string CultureFormattable(FormattableString s) => s.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Benchmark(Baseline = true)]
    public Decision Typical100() => Authorizer.IsAuthorized(_request, _entities, _typical);

    [Benchmark]
    public Decision AllScopesMatch100() => Authorizer.IsAuthorized(_request, _entities, _allMatch);
}
