using System.Security.Cryptography;
using QuantaProxy.Gateway.Okta.Authentication;
using QuantaProxy.Gateway.Okta.Transport;
using QuantaProxy.Gateway.Vault;

namespace QuantaProxy.Gateway.Integrations;

/// <summary>
/// The connector's view of an integration: its org, scopes, and its sealed credential loaded lazily, so a service app with
/// a cached token only checks that the credential is still active (its row is read on every call) and never unseals it.
/// The one place a call — proxied, or the gateway's own read — gets an integration's credential.
/// </summary>
public static class IntegrationCredentials
{
    public static OktaCallContext ContextFor(VaultService vault, string tenantId, IntegrationRecord integration) => new(
        integration.Id, tenantId, new Uri(integration.OktaDomain), integration.Scopes, integration.CredentialId,
        async ct =>
        {
            var head = await vault.FindActiveAsync(tenantId, integration.CredentialId, ct);
            return new OktaCredentialHead(head.CredentialType, head.CurrentVersion);
        },
        async ct =>
        {
            var (record, plaintext) = await vault.UnsealAsync(tenantId, integration.CredentialId, ct);
            try
            {
                return OktaCredential.Parse(record.CredentialType, record.CurrentVersion, plaintext);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        });
}
