namespace QuantaProxy.Gateway.Auth;

/// <summary>
/// Endpoint metadata: this endpoint also takes the API key as <c>Authorization: SSWS &lt;key&gt;</c>, the header Okta's SDKs
/// send. Only the transparent Okta front door has it; other endpoints keep <c>X-API-Key</c>, so an Okta token pasted into
/// another tool is never tried as a QuantaProxy key there.
/// </summary>
public sealed class AcceptsSswsApiKey
{
    public static readonly AcceptsSswsApiKey Instance = new();
}
