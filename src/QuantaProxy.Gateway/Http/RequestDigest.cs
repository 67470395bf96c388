namespace QuantaProxy.Gateway.Http;

/// <summary>
/// The lowercase hex SHA-256 of the request body exactly as received, kept on the request for whoever records it (the
/// audit event's <c>request_digest</c>), so the body reader needs to know nothing of the audit.
/// </summary>
public static class RequestDigest
{
    private static readonly object Key = new();

    public static void Set(HttpContext http, string digest) => http.Items[Key] = digest;

    public static string? Find(HttpContext http) => http.Items.TryGetValue(Key, out var v) ? v as string : null;
}
