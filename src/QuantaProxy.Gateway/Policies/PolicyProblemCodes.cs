namespace QuantaProxy.Gateway.Policies;

/// <summary>Stable problem codes of tenant policies and kill switches.</summary>
public static class PolicyProblemCodes
{
    /// <summary>The policy text is not valid Cedar (the problem names the line and column).</summary>
    public const string PolicySyntax = "policy_syntax";
    /// <summary>The policy text uses an entity type, action or attribute the product schema does not have.</summary>
    public const string PolicySchema = "policy_schema";
    /// <summary>The tenant's policies refused the call.</summary>
    public const string PolicyDenied = "policy_denied";
    /// <summary>A policy could not be evaluated for the call; refused (fail closed).</summary>
    public const string PolicyError = "policy_error";
    public const string ApprovalExpired = "approval_expired";
    public const string ApprovalNotPending = "approval_not_pending";
    /// <summary>The caller (or the person acted for) tried to decide on their own request.</summary>
    public const string ApprovalOwnRequest = "approval_own_request";
    public const string ApprovalDuplicate = "approval_duplicate";
    /// <summary>A kill switch stops every call of this integration or agent.</summary>
    public const string KillSwitch = "kill_switch";
}
