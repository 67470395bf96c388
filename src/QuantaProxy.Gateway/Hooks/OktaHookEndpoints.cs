using System.Buffers;
using System.Text.Json;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.Agents;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Integrations;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Hooks;

/// <summary>
/// Okta event hooks: the tenant configures the hook (an admin call that returns the shared secret once), and Okta calls
/// <c>/hooks/okta/{tenant_id}</c>: a GET to verify the hook, POSTs with events. Those two are anonymous to the caller
/// schemes (Okta holds no API key) and authenticated by the secret instead; everything else about them is bounded.
/// </summary>
public static class OktaHookEndpoints
{
    private const string ChallengeHeader = "X-Okta-Verification-Challenge";
    private const int MaxEvents = 100;

    public sealed record ConfigureHookRequest(string IntegrationId, string? TenantId = null);
    public sealed record ConfigureHookResponse(string TenantId, string IntegrationId, string HookPath, string AuthHeader, string Secret, string AuditEventId);
    public sealed record VerificationResponse(string Verification);
    public sealed record DeliveryResponse(int Received, int Applied);

    public static void MapOktaHookEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/v2/okta-hook", ConfigureAsync).WithTags("Agents").WithName("ConfigureOktaHook").RequireScope(ApiScopes.Admin)
            .Accepts<ConfigureHookRequest>("application/json").Produces<ConfigureHookResponse>();
        var hooks = app.MapGroup("/hooks/okta").WithTags("Hooks").AllowAnonymous();
        hooks.MapGet("/{tenantId}", VerifyAsync).WithName("VerifyOktaHook").Produces<VerificationResponse>();
        hooks.MapPost("/{tenantId}", DeliverAsync).WithName("DeliverOktaHook").Produces<DeliveryResponse>();
    }

    private static async Task<IResult> ConfigureAsync(HttpContext http, RequestBody body, OktaHookStore store, IntegrationStore integrations, AuditRecorder audit, TimeProvider time)
    {
        var caller = CallerContext.Get(http);
        var (request, _) = await body.ReadJsonAsync<ConfigureHookRequest>(http);
        var tenantId = caller.ResolveTenant(request.TenantId is null ? null : InputRules.Id(request.TenantId, PrefixedId.Tenant, "Tenant"));
        AuditContext.Get(http)!.TenantId = tenantId;
        var integration = PrefixedId.IsValid(request.IntegrationId, PrefixedId.Integration) ? await integrations.FindAsync(tenantId, request.IntegrationId, http.RequestAborted) : null;
        if (integration is null) throw new ApiException(404, ProblemCodes.IntegrationNotFound, "Integration not found.", "integration_id");
        var secret = HookSecret.Generate();
        var now = Timestamps.Format(time.GetUtcNow());
        await audit.RecordIntentAsync(http, tenantId, AuditEventTypes.OktaHookConfigure, new AuditDetails(IntegrationId: integration.Id));
        await store.UpsertAsync(new OktaHookConfig(tenantId, integration.Id, HookSecret.Hash(secret), now, now), http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.OktaHookConfigure, "configured", new AuditDetails(IntegrationId: integration.Id));
        return Results.Json(new ConfigureHookResponse(tenantId, integration.Id, $"/hooks/okta/{tenantId}", HookSecret.Header, secret, eventId), GatewayJson.Options);
    }

    private static async Task<IResult> VerifyAsync(string tenantId, HttpContext http, OktaHookStore store, HookRateLimiter limiter)
    {
        await AuthenticateAsync(tenantId, http, store, limiter);
        var challenge = http.Request.Headers[ChallengeHeader];
        if (challenge.Count != 1 || challenge[0] is not { Length: > 0 and <= 256 } value)
            throw ApiException.BadRequest($"Send one {ChallengeHeader} header of at most 256 characters.", ChallengeHeader);
        return Results.Json(new VerificationResponse(value), GatewayJson.Options);
    }

    private static async Task<IResult> DeliverAsync(string tenantId, HttpContext http, OktaHookStore store, HookRateLimiter limiter, OktaRevocationProcessor processor,
        IOptions<AgentOptions> options)
    {
        var config = await AuthenticateAsync(tenantId, http, store, limiter);
        var body = await ReadBoundedAsync(http, options.Value.HookMaxBodyBytes);
        var events = new List<OktaRevocationEvent>();
        var received = 0;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            if (!document.RootElement.TryGetProperty("data", out var data) || !data.TryGetProperty("events", out var list) || list.ValueKind != JsonValueKind.Array)
                throw ApiException.BadRequest("The body must be an Okta event hook delivery with data.events.", "data.events");
            foreach (var e in list.EnumerateArray())
            {
                if (++received > MaxEvents) throw ApiException.BadRequest($"At most {MaxEvents} events per delivery.", "data.events");
                if (OktaRevocationEvent.TryRead(e) is { } revocation) events.Add(revocation);
            }
        }
        catch (JsonException)
        {
            throw new ApiException(400, ProblemCodes.InvalidJson, "The body is not JSON.");
        }
        var applied = await processor.ApplyAsync(config.TenantId, events, "okta:event_hook", CancellationToken.None);
        return Results.Json(new DeliveryResponse(received, applied), GatewayJson.Options);
    }

    /// <summary>Unknown tenant, no hook configured and a wrong secret all answer the same 401, so tenants cannot be probed.</summary>
    private static async Task<OktaHookConfig> AuthenticateAsync(string tenantId, HttpContext http, OktaHookStore store, HookRateLimiter limiter)
    {
        if (!PrefixedId.IsValid(tenantId, PrefixedId.Tenant)) throw Unauthorized();
        if (!limiter.TryAcquire(tenantId))
            throw new ApiException(429, ProblemCodes.RateLimited, "Too many hook calls for this tenant.") { RetryAfter = TimeSpan.FromSeconds(1) };
        var config = await store.FindAsync(tenantId, http.RequestAborted);
        var presented = http.Request.Headers[HookSecret.Header];
        var ok = HookSecret.Matches(presented.Count == 1 ? presented[0] : null, config?.SecretHash ?? new byte[32]);
        if (config is null || !ok) throw Unauthorized();
        return config;
    }

    private static ApiException Unauthorized() => new(401, AgentProblemCodes.HookUnauthorized, "This hook call is not authenticated for this tenant.");

    private static async Task<byte[]> ReadBoundedAsync(HttpContext http, int limit)
    {
        if (http.Request.ContentLength > limit) throw new ApiException(413, ProblemCodes.PayloadTooLarge, $"The body is larger than {limit} bytes.");
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await http.Request.Body.ReadAsync(memory, http.RequestAborted);
            if (read == 0) break;
            buffer.Advance(read);
            if (buffer.WrittenCount > limit) throw new ApiException(413, ProblemCodes.PayloadTooLarge, $"The body is larger than {limit} bytes.");
        }
        return buffer.WrittenSpan.ToArray();
    }
}
