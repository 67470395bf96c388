namespace QuantaProxy.Gateway.Policies;

/// <summary>One uploaded version of a tenant's policy set, as stored.</summary>
public sealed record PolicySetRecord(string TenantId, long Version, string Text, string Sha256, long PolicyCount, string CreatedBy, string CreatedAt);
