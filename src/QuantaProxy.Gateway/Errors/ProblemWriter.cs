using System.Text.Json;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Errors;

/// <summary>Writes <c>application/problem+json</c> with the fields every QuantaProxy problem has.</summary>
public static class ProblemWriter
{
    private static readonly Dictionary<int, string> Titles = new()
    {
        [400] = "Bad Request", [401] = "Unauthorized", [403] = "Forbidden", [404] = "Not Found", [405] = "Method Not Allowed", [408] = "Request Timeout",
        [409] = "Conflict", [413] = "Payload Too Large", [415] = "Unsupported Media Type", [422] = "Unprocessable Content",
        [429] = "Too Many Requests", [500] = "Internal Server Error", [502] = "Bad Gateway", [503] = "Service Unavailable", [504] = "Gateway Timeout",
    };

    public static async Task WriteAsync(HttpContext context, int status, string code, string detail, string? field = null, TimeSpan? retryAfter = null,
        (int Line, int Column)? position = null)
    {
        if (context.Response.HasStarted) return;
        var connection = context.Response.Headers.Connection;
        context.Response.Clear();
        if (connection.Count > 0) context.Response.Headers.Connection = connection;
        // A body larger than the server will drain stays unread on the wire: close instead of leaving the client a broken connection.
        var maxBody = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (context.Request.ContentLength > maxBody) context.Response.Headers.Connection = "close";
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        if (retryAfter is { } wait)
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var requestId = RequestIdMiddleware.Get(context);
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteString("type", $"https://quantaproxy.dev/problems/{code}");
        writer.WriteString("title", Titles.GetValueOrDefault(status, "Error"));
        writer.WriteNumber("status", status);
        writer.WriteString("detail", detail);
        writer.WriteString("code", code);
        if (field is not null) writer.WriteString("field", field);
        if (position is { } at)
        {
            writer.WriteNumber("line", at.Line);
            writer.WriteNumber("column", at.Column);
        }
        if (requestId is not null) writer.WriteString("request_id", requestId);
        if (AuditContext.Get(context)?.EventId is { } auditId) writer.WriteString("audit_event_id", auditId);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }
}
