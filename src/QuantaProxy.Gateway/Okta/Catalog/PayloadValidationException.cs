namespace QuantaProxy.Gateway.Okta.Catalog;

/// <summary>A proxied payload was refused before anything was sent to Okta. The message never repeats the offending value.</summary>
public sealed class PayloadValidationException(string field, string message) : Exception(message)
{
    /// <summary>The refused member, as <c>payload.limit</c> or <c>payload.profile.email</c>.</summary>
    public string Field { get; } = field;
}
