namespace QuantaProxy.Gateway.Hooks;

/// <summary>A tenant's Okta event hook: the hash of its shared secret, the integration used to read Okta, and how far the System Log has been read.</summary>
public sealed record OktaHookConfig(string TenantId, string IntegrationId, byte[] SecretHash, string CreatedAt, string LastPublished);
