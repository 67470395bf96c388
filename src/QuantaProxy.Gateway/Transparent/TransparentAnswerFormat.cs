using System.Security.Cryptography;
using QuantaProxy.Crypto.Formats;

namespace QuantaProxy.Gateway.Transparent;

/// <summary>
/// The signed message of a transparent answer, <c>qp-transparent-v1</c> (docs/transparent-mode.md): what the gateway vouches
/// for when it answers in Okta's own shape instead of an envelope. Public so a verifier (the tests, a tenant) builds the
/// same bytes from what it received.
/// </summary>
public static class TransparentAnswerFormat
{
    public const string Version = "qp-transparent-v1";
    public const string SignatureHeader = "X-QuantaProxy-Signature";
    public const string AuditEventHeader = "X-QuantaProxy-Audit-Event";

    /// <summary>ML-DSA-65's context string: a transparent signature can never pass as an envelope's, or the reverse.</summary>
    public static ReadOnlySpan<byte> SignatureContext => "quantaproxy/transparent/v1"u8;

    /// <summary>The response headers the signature covers, in this order; an absent one is signed as the empty string.</summary>
    public static readonly IReadOnlyList<string> SignedHeaders =
        ["content-type", "link", "x-okta-request-id", "x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"];

    /// <summary>
    /// M = F(version) ‖ F(tenant_id) ‖ F(signing_key_id) ‖ F(audit_event_id) ‖ F(request_id) ‖ F(integration_id) ‖ F(operation)
    /// ‖ F(status) ‖ for each signed header F(name) ‖ F(value) ‖ F(SHA-256(body)), with F(x) = 4-byte big-endian length ‖ x.
    /// </summary>
    public static byte[] SignedMessage(string tenantId, string signingKeyId, string auditEventId, string requestId, string integrationId, string operation,
        int status, Func<string, string?> header, ReadOnlySpan<byte> body)
    {
        var writer = new LengthPrefixedWriter(512).Add(Version).Add(tenantId).Add(signingKeyId).Add(auditEventId).Add(requestId).Add(integrationId).Add(operation)
            .Add(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var name in SignedHeaders) writer.Add(name).Add(header(name) ?? "");
        return writer.Add(SHA256.HashData(body)).ToArray();
    }

    /// <summary>The header value: <c>v=qp-transparent-v1, key_id=…, ml_dsa_65=&lt;base64&gt;, hmac_sha_512=&lt;base64&gt;</c>.</summary>
    public static string Header(string signingKeyId, byte[] pqc, byte[] hmac) =>
        $"v={Version}, key_id={signingKeyId}, ml_dsa_65={Convert.ToBase64String(pqc)}, hmac_sha_512={Convert.ToBase64String(hmac)}";

    /// <summary>The parameters of a signature header; null when it is not a <c>qp-transparent-v1</c> header.</summary>
    public static (string KeyId, byte[] Pqc, byte[] Hmac)? Parse(string value)
    {
        if (value.Length > 8192) return null;
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in value.Split(','))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || !parameters.TryAdd(part[..equals].Trim(), part[(equals + 1)..].Trim())) return null;
        }
        if (parameters.GetValueOrDefault("v") != Version || parameters.Count != 4) return null;
        try
        {
            return (parameters["key_id"], Convert.FromBase64String(parameters["ml_dsa_65"]), Convert.FromBase64String(parameters["hmac_sha_512"]));
        }
        catch (Exception e) when (e is FormatException or KeyNotFoundException)
        {
            return null;
        }
    }
}
