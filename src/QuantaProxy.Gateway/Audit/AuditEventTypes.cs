namespace QuantaProxy.Gateway.Audit;

/// <summary>Event types of FORMATS.md §3 (plus the reads this gateway also records).</summary>
public static class AuditEventTypes
{
    public const string ProxyCall = "proxy.call";
    public const string ProxyDenied = "proxy.denied";
    public const string ProxyIntent = "proxy.intent";
    public const string VaultSeal = "vault.seal";
    public const string VaultUnseal = "vault.unseal";
    public const string VaultRotate = "vault.rotate";
    public const string VaultDestroy = "vault.destroy";
    public const string VaultRead = "vault.read";
    public const string IntegrationCreate = "integration.create";
    public const string IntegrationUpdate = "integration.update";
    public const string IntegrationDelete = "integration.delete";
    public const string IntegrationRead = "integration.read";
    public const string ApiKeyCreate = "apikey.create";
    public const string ApiKeyRevoke = "apikey.revoke";
    public const string ApiKeyRead = "apikey.read";
    public const string KeyRotate = "key.rotate";
    public const string KeyRegister = "key.register";
    public const string KeyRead = "key.read";
    public const string TenantCreate = "tenant.create";
    public const string AuditRead = "audit.read";
    public const string RequestRejected = "request.rejected";
    public const string TrustedIssuerCreate = "trusted_issuer.create";
    public const string TrustedIssuerDelete = "trusted_issuer.delete";
    public const string TrustedIssuerRead = "trusted_issuer.read";
    public const string AgentCreate = "agent.create";
    public const string AgentDelete = "agent.delete";
    public const string AgentRead = "agent.read";
    public const string DelegationCreate = "delegation.create";
    public const string DelegationRevoke = "delegation.revoke";
    public const string DelegationRestore = "delegation.restore";
    public const string DelegationSuspend = "delegation.suspend";
    public const string DelegationRead = "delegation.read";
    public const string OktaHookConfigure = "okta_hook.configure";
    public const string PolicyUpload = "policy.upload";
    public const string PolicyRead = "policy.read";
    public const string PolicyEvaluate = "policy.evaluate";
    public const string KillSwitchCreate = "kill_switch.create";
    public const string KillSwitchDelete = "kill_switch.delete";
    public const string KillSwitchRead = "kill_switch.read";
    public const string ApprovalRequest = "approval.request";
    public const string ApprovalApprove = "approval.approve";
    public const string ApprovalReject = "approval.reject";
    public const string ApprovalExpire = "approval.expire";
    public const string ApprovalRead = "approval.read";
    /// <summary>An Okta event (hook delivery or System Log backfill) told the gateway to stop acting for a person.</summary>
    public const string OktaRevocation = "okta.revocation";
}
