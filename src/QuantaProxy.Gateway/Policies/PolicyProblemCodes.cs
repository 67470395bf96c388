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
    /// <summary>A determining policy asks for approval (<c>@approval("N")</c>); refused, since calls are not held for approval yet.</summary>
    public const string ApprovalRequired = "approval_required";
    /// <summary>A kill switch stops every call of this integration or agent.</summary>
    public const string KillSwitch = "kill_switch";
}
