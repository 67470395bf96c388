using QuantaProxy.Gateway.Okta.Authentication;

namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>The type and current version of an integration's sealed credential, read without unsealing it.</summary>
public readonly record struct OktaCredentialHead(string CredentialType, int Version);

/// <summary>
/// Everything the connector needs about the integration a call is made for. The credential is loaded lazily: a service
/// app with a cached token needs only <see cref="FindCredential"/> (is it still active, which version), not the unseal.
/// </summary>
public sealed record OktaCallContext(
    string IntegrationId,
    string TenantId,
    Uri OktaBaseUri,
    IReadOnlyList<string> Scopes,
    string CredentialId,
    Func<CancellationToken, ValueTask<OktaCredentialHead>> FindCredential,
    Func<CancellationToken, ValueTask<OktaCredential>> LoadCredential);
