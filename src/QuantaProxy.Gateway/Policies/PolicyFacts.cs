using System.Globalization;
using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Policy.Schema;

namespace QuantaProxy.Gateway.Policies;

/// <summary>Who calls: an agent (<c>QuantaProxy::Agent::"&lt;issuer&gt;|&lt;client_id&gt;"</c>) or an API key (<c>QuantaProxy::ApiKey::"&lt;id&gt;"</c>).</summary>
public sealed record PolicyPrincipal(string Type, string Id, string Name, string? Issuer, string Tenant)
{
    public static PolicyPrincipal Agent(string issuer, string clientId, string tenant) => new(QuantaProxySchema.Agent, $"{issuer}|{clientId}", clientId, issuer, tenant);
    public static PolicyPrincipal ApiKey(string id, string tenant) => new(QuantaProxySchema.ApiKey, id, id, null, tenant);

    /// <summary>The key of this principal's daily call count.</summary>
    public string CountKey => $"{Type}::{Id}";
}

/// <summary>The person an agent acts for, as Okta reports them (group ids).</summary>
public sealed record PolicyHuman(string Id, string Login, string Status, IReadOnlyCollection<string> Groups);

/// <summary>The Okta user a call acts on (<c>args.user_id</c>), as Okta reports them (group ids).</summary>
public sealed record PolicyTarget(string Status, IReadOnlyCollection<string> Groups);

/// <summary>The Okta group a call acts on (<c>args.group_id</c>): its id, name and Okta type (<c>OKTA_GROUP</c>, <c>APP_GROUP</c>, <c>BUILT_IN</c>).</summary>
public sealed record PolicyTargetGroup(string Id, string Name, string Type);

/// <summary>Everything a policy can read about one call; <see cref="Context"/> is <c>context</c> as the policies see it.</summary>
public sealed record PolicyFacts(PolicyPrincipal Principal, OktaOperation Operation, IntegrationRecord Integration, PolicyHuman? Human,
    IReadOnlyList<OktaArgument> Arguments, PolicyTarget? Target, DateTimeOffset Now, long CallsToday, PolicyTargetGroup? TargetGroup = null)
{
    /// <summary>The UTC day the call is counted under.</summary>
    public static string Day(DateTimeOffset now) => now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public SortedDictionary<string, object> Context()
    {
        var utc = Now.UtcDateTime;
        var context = new SortedDictionary<string, object>(StringComparer.Ordinal)
        {
            ["args"] = Arguments.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal),
            ["time"] = new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["hour"] = (long)utc.Hour,
                ["minute"] = (long)utc.Minute,
                // ISO 8601: Monday is 1, Sunday is 7.
                ["weekday"] = (long)(utc.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)utc.DayOfWeek),
            },
            ["calls_today"] = CallsToday,
        };
        if (Human is { } h)
            context["human"] = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["id"] = h.Id, ["login"] = h.Login, ["status"] = h.Status, ["groups"] = h.Groups.Order(StringComparer.Ordinal).ToArray() };
        if (Target is { } t)
            context["target"] = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["status"] = t.Status, ["groups"] = t.Groups.Order(StringComparer.Ordinal).ToArray() };
        if (TargetGroup is { } g)
            context["target_group"] = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["id"] = g.Id, ["name"] = g.Name, ["type"] = g.Type };
        return context;
    }
}
