using System.Text.Json;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.Agents;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Proxy.Pipeline;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Proxy;

/// <summary>The JSON front door of the outbound pipeline: <c>POST /api/v2/proxy/outbound</c>.</summary>
public static class ProxyEndpoints
{
    public const string IdempotencyHeader = IdempotencyStage.Header;

    public sealed record ProxyRequest(string IntegrationId, string Operation, JsonElement? Payload = null, string? TenantId = null);

    public static void MapProxyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v2/proxy/outbound", OutboundAsync)
            .WithTags("Proxy").WithName("ProxyOutbound").RequireScope(ApiScopes.ProxyInvoke)
            .WithMetadata(AcceptsAgentTokens.Instance)
            .Accepts<ProxyRequest>("application/json")
            .Produces(200, contentType: "application/json")
            .WithDescription("Calls an allowed Okta Management operation with the integration's sealed credential and answers with a HybridCryptoEnvelope (FORMATS.md §1).");
    }

    private static async Task<IResult> OutboundAsync(HttpContext http, RequestBody body, OutboundPipeline pipeline)
    {
        var caller = CallerContext.Get(http);
        var (request, _) = await body.ReadJsonAsync<ProxyRequest>(http);
        var tenantId = caller.ResolveTenant(request.TenantId is null ? null : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
        var audit = AuditContext.Get(http)!;
        audit.TenantId = tenantId;
        var call = new OutboundCall(caller, tenantId, RequestIdMiddleware.Get(http)!, audit)
        {
            RequestedIntegrationId = request.IntegrationId ?? "",
            RequestedOperation = request.Operation ?? "",
            Payload = request.Payload ?? default,
            IdempotencyKey = ReadIdempotencyKey(http),
        };
        await pipeline.RunAsync(call, http.RequestAborted);
        if (call.HeldForApproval is { } held) return Policies.ApprovalEndpoints.Accepted(http, held);
        if (call.Replayed) http.Response.Headers["Idempotent-Replayed"] = "true";
        return Results.Bytes(call.Envelope!, "application/json");
    }

    private static string? ReadIdempotencyKey(HttpContext http)
    {
        var values = http.Request.Headers[IdempotencyHeader];
        if (values.Count == 0) return null;
        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > 200 || !key.All(c => c is >= '!' and <= '~'))
            throw ApiException.BadRequest("Idempotency-Key must be 1 to 200 printable ASCII characters.", IdempotencyHeader);
        return key;
    }
}
