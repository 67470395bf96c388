namespace QuantaProxy.Gateway.Agents;

/// <summary>An agent a tenant registered: who it is (issuer + client id) and the most it may ever do.</summary>
public sealed record AgentRecord(string Id, string TenantId, string TrustedIssuerId, string ClientId, string Name,
    IReadOnlyList<string> Integrations, IReadOnlyList<string> Operations, string CreatedAt)
{
    public bool Allows(string integrationId, string operation) =>
        Integrations.Contains(integrationId, StringComparer.Ordinal) && Operations.Contains(operation, StringComparer.Ordinal);
}
