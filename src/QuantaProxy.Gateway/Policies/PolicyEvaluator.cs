using QuantaProxy.Policy;
using QuantaProxy.Policy.Entities;
using QuantaProxy.Policy.Schema;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Gateway.Policies;

/// <summary>The decision of a tenant's policies on one call, with what determined it.</summary>
public sealed record PolicyOutcome(bool Allowed, IReadOnlyList<string> DeterminingPolicies, IReadOnlyList<string> Reasons, IReadOnlyList<string> Errors,
    int ApprovalsRequired = 0)
{
    /// <summary>A determining policy carries <c>@approval("N")</c>: the call runs only once N distinct people approve it.</summary>
    public bool NeedsApproval => ApprovalsRequired > 0;

    /// <summary>Refused because a policy could not be evaluated (Cedar skips an erroring policy; the gateway fails closed).</summary>
    public bool Failed => Errors.Count > 0;

    /// <summary>What every event of the call carries: <c>policy=&lt;hash12&gt;;policies=&lt;ids&gt;</c>.</summary>
    public string AuditDetail(ActivePolicySet set) => $"policy={set.ShortHash};policies={string.Join(',', DeterminingPolicies)}";

    public string Message(string operation)
    {
        if (NeedsApproval)
            return $"Refused: policy {string.Join(", ", DeterminingPolicies)} requires {ApprovalsRequired} approval(s), which this run of the call does not have.";
        if (Failed) return $"Refused: the tenant's policies could not be evaluated for this call, so it fails closed ({string.Join("; ", Errors)}).";
        if (DeterminingPolicies.Count == 0) return $"Refused: no policy of the tenant permits '{operation}' for this caller.";
        var named = DeterminingPolicies.Select((id, i) => Reasons[i].Length == 0 ? id : $"{id} ({Reasons[i]})");
        return $"Refused by policy {string.Join(", ", named)}.";
    }
}

/// <summary>Evaluates a tenant's Cedar policies on the facts of one call (pure: reads nothing, calls nothing).</summary>
public static class PolicyEvaluator
{
    public static PolicyOutcome Evaluate(ActivePolicySet set, PolicyFacts facts)
    {
        var principal = new EntityUid(facts.Principal.Type, facts.Principal.Id);
        var principalAttributes = new Dictionary<string, Value>(StringComparer.Ordinal)
        {
            ["name"] = new StringValue(facts.Principal.Name),
            ["tenant"] = new StringValue(facts.Principal.Tenant),
        };
        if (facts.Principal.Issuer is { } issuer) principalAttributes["issuer"] = new StringValue(issuer);
        var groups = GatewayPolicySchema.GroupsOf(facts.Operation).Select(g => new EntityUid(QuantaProxySchema.Action, g)).ToList();
        var action = new EntityUid(QuantaProxySchema.Action, facts.Operation.Name);
        var resource = new EntityUid(QuantaProxySchema.Integration, facts.Integration.Id);
        var entities = new List<Entity>
        {
            new(principal, principalAttributes),
            new(action, parents: groups),
            new(resource, new Dictionary<string, Value>(StringComparer.Ordinal)
            {
                ["name"] = new StringValue(facts.Integration.Name),
                ["okta_domain"] = new StringValue(facts.Integration.OktaDomain),
            }),
        };
        entities.AddRange(groups.Select(g => new Entity(g)));
        var request = new Request(principal, action, resource, (RecordValue)ToValue(facts.Context()));
        var decision = Authorizer.IsAuthorized(request, new EntityStore(entities), set.Set);
        var errors = decision.Errors.Select(e => $"{e.PolicyId}: {e.Message}").ToList();
        var reasons = decision.DeterminingPolicies.Select(id => set.Set.TryGet(id, out var p) ? p.Annotation("reason") ?? "" : "").ToList();
        // @approval on the determining permits of an allow, or on every determining forbid of a deny (a forbid without it
        // still simply forbids), turns the decision into "needs N approvals".
        var approvals = 0;
        if (errors.Count == 0 && decision.DeterminingPolicies.Count > 0)
        {
            var asked = decision.DeterminingPolicies.Select(id => set.Set.TryGet(id, out var p) ? Approvals(p) : 0).ToList();
            approvals = decision.IsAllowed || asked.All(n => n > 0) ? asked.Max() : 0;
        }
        return new PolicyOutcome(decision.IsAllowed && errors.Count == 0 && approvals == 0, decision.DeterminingPolicies, reasons, errors, approvals);
    }

    /// <summary>The number of approvals a policy's <c>@approval("N")</c> asks for (an unreadable or absent N counts as one).</summary>
    public static int Approvals(QuantaProxy.Policy.Policy policy)
    {
        if (policy.Annotation("approval") is not { } value) return 0;
        return int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 10 ? n : 1;
    }

    /// <summary>A fact as a Cedar value: strings, whole numbers, booleans, records (dictionaries) and sets of strings.</summary>
    public static Value ToValue(object value) => value switch
    {
        string s => new StringValue(s),
        long l => new LongValue(l),
        int i => new LongValue(i),
        bool b => b ? BoolValue.True : BoolValue.False,
        IEnumerable<KeyValuePair<string, object>> record => new RecordValue(record.Select(kv => new KeyValuePair<string, Value>(kv.Key, ToValue(kv.Value)))),
        IEnumerable<string> strings => new SetValue(strings.Select(s => (Value)new StringValue(s))),
        _ => throw new ArgumentException($"A policy fact cannot be a {value.GetType().Name}.", nameof(value)),
    };
}
