using System.Security.Cryptography;
using QuantaProxy.Gateway.Okta;
using QuantaProxy.Gateway.Vault;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>
/// How the connector gets the integration's credential: lazily, so a service app with a cached token only checks that
/// the credential is still active (its row is read on every call) and never unseals it.
/// </summary>
public sealed class CredentialStage(VaultService vault) : IOutboundStage
{
    public ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct)
    {
        var integration = outbound.ResolvedIntegration;
        var tenantId = outbound.TenantId;
        outbound.OktaContext = new OktaCallContext(
            integration.Id, tenantId, new Uri(integration.OktaDomain), integration.Scopes, integration.CredentialId,
            async token =>
            {
                var head = await vault.FindActiveAsync(tenantId, integration.CredentialId, token);
                return new OktaCredentialHead(head.CredentialType, head.CurrentVersion);
            },
            async token =>
            {
                var (record, plaintext) = await vault.UnsealAsync(tenantId, integration.CredentialId, token);
                try
                {
                    return OktaCredential.Parse(record.CredentialType, record.CurrentVersion, plaintext);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(plaintext);
                }
            });
        return ValueTask.FromResult(true);
    }
}
