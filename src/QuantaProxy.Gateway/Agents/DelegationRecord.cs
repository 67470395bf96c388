namespace QuantaProxy.Gateway.Agents;

public static class DelegationStatus
{
    public const string Active = "active";
    /// <summary>Set by Okta's word (an event hook or the System Log backfill); lifted only by an explicit restore.</summary>
    public const string Suspended = "suspended";
    public const string Revoked = "revoked";
}

public static class DelegationSubjects
{
    public const string User = "user";
    public const string Group = "group";
}

/// <summary>
/// A person (or each member of an Okta group) lets an agent use some operations of one integration on their behalf,
/// until <see cref="ExpiresAt"/>, optionally at most <see cref="CallsPerDay"/> calls a UTC day.
/// </summary>
public sealed record DelegationRecord(string Id, string TenantId, string AgentId, string IntegrationId, IReadOnlyList<string> Operations,
    string SubjectType, string SubjectId, string SubjectLogin, string ExpiresAt, long? CallsPerDay, string Status, string StatusReason,
    string CreatedAt, string UpdatedAt);
