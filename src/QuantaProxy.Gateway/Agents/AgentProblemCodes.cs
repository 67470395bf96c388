namespace QuantaProxy.Gateway.Agents;

/// <summary>Stable problem codes of the agent checks. The problem's <c>field</c> says which subject failed: <c>agent</c> or <c>human</c>.</summary>
public static class AgentProblemCodes
{
    public const string AgentNotRegistered = "agent_not_registered";
    public const string AgentNotAllowed = "agent_not_allowed";
    public const string PersonUnknown = "person_unknown";
    public const string PersonMismatch = "person_mismatch";
    public const string PersonInactive = "person_inactive";
    public const string PersonSuspended = "person_suspended";
    public const string PersonStatusUnavailable = "person_status_unavailable";
    public const string NoDelegation = "no_delegation";
    public const string DelegationQuotaExceeded = "delegation_quota_exceeded";
    public const string HookUnauthorized = "hook_unauthorized";
}
