using System.Text.Json;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Okta.Transport;
using QuantaProxy.Gateway.Proxy;

namespace QuantaProxy.Gateway.Transparent;

/// <summary>
/// A refusal of the gateway's own in the shape of Okta's error body, so an Okta SDK raises the same error it would for
/// Okta (the Node SDK's <c>OktaApiError</c> with <c>errorCode</c>). The <c>errorId</c> is the gateway's request id, which
/// names the request in the logs and the audit event.
/// </summary>
public static class OktaErrorAnswer
{
    public const string Forbidden = "E0000006";
    public const string ValidationFailed = "E0000001";
    public const string NotFound = "E0000007";
    public const string RateLimited = "E0000047";
    public const string ServerError = "E0000009";
    public const string InvalidToken = "E0000011";

    public static (int Status, string Code, string Summary, string? Cause) From(ApiException e) => e.Status switch
    {
        403 => (403, Forbidden, "You do not have permission to perform the requested action", null),
        404 => (404, NotFound, $"Not found: Resource not found: {(e.Code == ProblemCodes.IntegrationNotFound ? "integration" : "resource")}", null),
        429 => (429, RateLimited, "API call exceeded rate limit due to too many requests.", null),
        >= 500 => (e.Status, ServerError, "Internal Server Error", e.Message),
        // Every other refusal is a request that cannot be sent as it is: Okta's "Api validation failed".
        _ => (e.Status == 400 ? 400 : e.Status, ValidationFailed, $"Api validation failed: {e.Field ?? "request"}", $"{(e.Field is null ? "" : e.Field + ": ")}{e.Message}"),
    };

    public static (int Status, string Code, string Summary, string? Cause) From(OktaCallException e) => From(OktaProblems.From(e));

    public static async Task WriteAsync(HttpContext http, int status, string code, string summary, string? cause, string? auditEventId, TimeSpan? retryAfter)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        if (auditEventId is not null) http.Response.Headers[TransparentAnswerFormat.AuditEventHeader] = auditEventId;
        if (retryAfter is { } wait) http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var writer = new Utf8JsonWriter(http.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("errorCode", code);
        writer.WriteString("errorSummary", summary);
        writer.WriteString("errorLink", code);
        writer.WriteString("errorId", Http.RequestIdMiddleware.Get(http) ?? "");
        writer.WriteStartArray("errorCauses");
        if (cause is not null)
        {
            writer.WriteStartObject();
            writer.WriteString("errorSummary", cause);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
