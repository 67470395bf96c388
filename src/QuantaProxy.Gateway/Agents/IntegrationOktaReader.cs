using System.Text.Json;
using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.Okta.Transport;
using QuantaProxy.Gateway.Vault;

namespace QuantaProxy.Gateway.Agents;

/// <summary>
/// Reads from Okta with an integration's own sealed credential, for the gateway's own checks (a person's status and
/// groups, the System Log): the same connector, validation and credential handling as a proxied call.
/// </summary>
public sealed class IntegrationOktaReader(VaultService vault, OktaConnector connector)
{
    /// <summary>Okta's JSON answer to a read, or null for a 404; any other failure throws <see cref="OktaCallException"/>.</summary>
    public async Task<JsonDocument?> ReadAsync(IntegrationRecord integration, string operationName, object payload, CancellationToken ct)
    {
        if (!OktaOperationCatalog.Default.TryGet(operationName, out var operation)) throw new ArgumentException("Unknown operation.", nameof(operationName));
        var validated = operation.Validate(JsonSerializer.SerializeToElement(payload));
        var tenantId = integration.TenantId;
        var context = IntegrationCredentials.ContextFor(vault, tenantId, integration);
        var result = await connector.CallAsync(context, operation, validated, ct);
        if (result.Status == 404) return null;
        if (!result.Success) throw new OktaCallException("okta_error", $"Okta answered {result.Status} to {operationName}.");
        return JsonDocument.Parse(result.Body);
    }
}
