namespace QuantaProxy.Gateway.Agents;

/// <summary>An authorization server a tenant trusts to issue agent tokens, for one audience, in one token shape.</summary>
public sealed record TrustedIssuerRecord(string Id, string TenantId, string Issuer, string Audience, IReadOnlyList<string> Algorithms, string TokenShape, string CreatedAt);
