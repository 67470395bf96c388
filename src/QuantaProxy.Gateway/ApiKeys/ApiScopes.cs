namespace QuantaProxy.Gateway.ApiKeys;

public static class ApiScopes
{
    public const string ProxyInvoke = "proxy:invoke";
    public const string VaultSeal = "vault:seal";
    public const string VaultUnseal = "vault:unseal";
    public const string IntegrationsWrite = "integrations:write";
    public const string AuditRead = "audit:read";
    /// <summary>Approve or reject calls held for approval by a tenant policy (<c>@approval</c>).</summary>
    public const string ApprovalsDecide = "approvals:decide";
    public const string Admin = "admin";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        ProxyInvoke, VaultSeal, VaultUnseal, IntegrationsWrite, AuditRead, ApprovalsDecide, Admin,
    };
}
