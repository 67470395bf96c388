using System.Text.Json;
using QuantaProxy.Client.Http;
using QuantaProxy.Crypto.Envelopes;

namespace QuantaProxy.Client;

/// <summary>The result of a proxied Okta call, after the envelope was verified and opened.</summary>
public sealed record ProxyResult(
    bool Success,
    int Status,
    string Operation,
    string? OktaRequestId,
    string? NextCursor,
    JsonElement Body,
    string? Hint,
    string AuditEventId,
    string RequestId);

/// <summary>
/// What a backend service or agent uses: <see cref="ProxyAsync"/> sends one allowed Okta operation through the gateway and
/// returns Okta's answer only after both envelope signatures verified, the request id matched and the envelope opened.
/// </summary>
public sealed class QuantaProxyClient(QuantaProxyHttpClient http, TenantKeyBundle bundle, TimeProvider? time = null)
{
    private readonly EnvelopeVerifier _verifier = new(bundle, time);

    public async Task<ProxyResult> ProxyAsync(string integrationId, string operation, object? payload = null, string? idempotencyKey = null, CancellationToken ct = default)
    {
        var requestId = "req_" + Guid.NewGuid().ToString("N");
        var headers = idempotencyKey is null ? null : new Dictionary<string, string> { ["Idempotency-Key"] = idempotencyKey };
        var (body, _) = await http.SendAsync(HttpMethod.Post, "/api/v2/proxy/outbound",
            new { integration_id = integrationId, operation, payload = payload ?? new { } }, requestId, headers, ct);
        var opened = _verifier.Open(body, requestId);
        try
        {
            using var document = JsonDocument.Parse(opened.Plaintext);
            var root = document.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return new ProxyResult(opened.Success, root.GetProperty("status").GetInt32(), root.GetProperty("operation").GetString()!, Text("okta_request_id"),
                Text("next_cursor"), root.GetProperty("body").Clone(), Text("hint"), opened.AuditEventId, opened.RequestId);
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(opened.Plaintext);
        }
    }
}
