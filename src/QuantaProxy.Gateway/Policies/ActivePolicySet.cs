using System.Security.Cryptography;
using System.Text;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Policy;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Schema;

namespace QuantaProxy.Gateway.Policies;

/// <summary>A tenant's policy set, parsed and schema-checked: what the policy stage evaluates.</summary>
public sealed class ActivePolicySet
{
    private ActivePolicySet(long version, string sha256, PolicySet set, bool refersToTarget, bool refersToTargetGroup, bool refersToCallsToday)
    {
        RefersToCallsToday = refersToCallsToday;
        RefersToTargetGroup = refersToTargetGroup;
        Version = version;
        Sha256 = sha256;
        Set = set;
        RefersToTarget = refersToTarget;
    }

    public long Version { get; }
    public string Sha256 { get; }
    public PolicySet Set { get; }
    /// <summary>Some policy mentions <c>target</c>, so the facts about the Okta user acted on must be read.</summary>
    public bool RefersToTarget { get; }
    /// <summary>
    /// Some policy mentions <c>calls_today</c>, so each call is counted (<see cref="DailyCallCounter"/>); a set that never
    /// reads the count does not pay for it.
    /// </summary>
    public bool RefersToCallsToday { get; }
    /// <summary>Some policy mentions <c>target_group</c>, so the Okta group acted on must be read.</summary>
    public bool RefersToTargetGroup { get; }
    /// <summary>The first 12 hex digits of the hash: what every proxy event names.</summary>
    public string ShortHash => Sha256[..12];

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Parses and checks <paramref name="text"/>; a problem (400) names the line and column of the first fault.
    /// </summary>
    public static ActivePolicySet Compile(string text, long version, PolicyOptions options)
    {
        if (Encoding.UTF8.GetByteCount(text) > options.MaxTextBytes)
            throw ApiException.BadRequest($"The policy text is larger than {options.MaxTextBytes} bytes.", "policies");
        PolicySet set;
        try
        {
            set = PolicySet.Parse(text, PolicyLimits.Default with { MaxTextLength = options.MaxTextBytes, MaxPolicies = options.MaxPolicies });
        }
        catch (PolicyParseException e)
        {
            throw new ApiException(400, PolicyProblemCodes.PolicySyntax, $"Line {e.Location.Line}, column {e.Location.Column}: {e.Reason}", "policies")
                { Position = (e.Location.Line, e.Location.Column) };
        }
        var violations = SchemaChecker.Check(set, GatewayPolicySchema.Default);
        if (violations.Count > 0)
        {
            var v = violations[0];
            var more = violations.Count > 1 ? $" ({violations.Count - 1} more)" : "";
            throw new ApiException(400, PolicyProblemCodes.PolicySchema, $"Line {v.Location.Line}, column {v.Location.Column}: {v.PolicyId}: {v.Message}{more}", "policies")
                { Position = (v.Location.Line, v.Location.Column) };
        }
        return new ActivePolicySet(version, Hash(text), set, AttributeReads.MayRead(set, "target"), AttributeReads.MayRead(set, "target_group"),
            AttributeReads.MayRead(set, "calls_today"));
    }

    /// <summary>A stored version (checked when it was uploaded; checked again, since the catalog may have changed since).</summary>
    public static ActivePolicySet FromRecord(PolicySetRecord record, PolicyOptions options) => Compile(record.Text, record.Version, options);
}
