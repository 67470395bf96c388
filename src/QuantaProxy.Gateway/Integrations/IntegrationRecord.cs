namespace QuantaProxy.Gateway.Integrations;

public sealed record IntegrationRecord(
    string Id,
    string TenantId,
    string Name,
    string SystemType,
    string OktaDomain,
    string CredentialId,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<string> AllowedOperations,
    string CreatedAt,
    string UpdatedAt);
