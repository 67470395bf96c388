namespace QuantaProxy.Gateway.Okta;

/// <summary>Everything the connector needs about the integration a call is made for; the credential is loaded lazily.</summary>
public sealed record OktaCallContext(
    string IntegrationId,
    string TenantId,
    Uri OktaBaseUri,
    IReadOnlyList<string> Scopes,
    string CredentialId,
    Func<CancellationToken, ValueTask<OktaCredential>> LoadCredential);
