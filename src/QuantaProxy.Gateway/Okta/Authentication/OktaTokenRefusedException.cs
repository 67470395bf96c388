using Microsoft.AspNetCore.Http;

namespace QuantaProxy.Gateway.Okta.Authentication;

/// <summary>
/// Okta's token endpoint answered with an OAuth error (invalid_client, invalid_scope, invalid_dpop_proof, ...). The
/// Management API was not called; the connector reports Okta's answer to the caller inside the envelope.
/// </summary>
internal sealed class OktaTokenRefusedException(int status, IHeaderDictionary headers, ReadOnlyMemory<byte> body, string? error)
    : Exception($"Okta's token endpoint refused the request ({status}{(error is null ? "" : ", " + error)}).")
{
    public int Status { get; } = status;
    public IHeaderDictionary Headers { get; } = headers;
    public ReadOnlyMemory<byte> Body { get; } = body;
    /// <summary>The OAuth <c>error</c> code, when Okta gave one.</summary>
    public string? Error { get; } = error;
}
