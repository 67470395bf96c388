using System.Globalization;
using QuantaProxy.Crypto.Audit;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Hosting;
using QuantaProxy.Gateway.Vault;

namespace QuantaProxy.Gateway.Audit;

public static class AuditEndpoints
{
    public const int MaxPageSize = 1000;

    public sealed record AuditEventView(
        string EventId, string TenantId, long Seq, string OccurredAt, string Type, string Actor, string OnBehalfOf, string IntegrationId,
        string Operation, string Outcome, string UpstreamStatus, string UpstreamRequestId, string RequestDigest, string ResponseDigest,
        string Detail, string PrevHash, string Hash);
    public sealed record AuditEventsResponse(IReadOnlyList<AuditEventView> Events, long? NextAfter, string AuditEventId);
    public sealed record HeadView(long Seq, string Hash);
    public sealed record BreakView(long Seq, string Kind);
    public sealed record VerifyResponse(bool Valid, long EventsChecked, HeadView Head, CheckpointView? Checkpoint, IReadOnlyList<BreakView> Errors, string AuditEventId);
    public sealed record CheckpointView(long TreeSize, string RootHash, string Checkpoint);

    public static IServiceCollection AddQuantaProxyAudit(this IServiceCollection services, IConfiguration configuration)
    {
        _ = configuration;
        services.AddSingleton<AuditVerifier>();
        return services;
    }

    public static void MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/audit").WithTags("Audit");
        group.MapGet("/events", ListAsync).WithName("ListAuditEvents").Produces<AuditEventsResponse>();
        group.MapGet("/verify", VerifyAsync).WithName("VerifyAuditChain").Produces<VerifyResponse>();
    }

    internal static AuditEventView View(StoredAuditRow row)
    {
        var r = row.Record;
        return new AuditEventView(r.EventId, r.TenantId, r.Seq, r.OccurredAt, r.Type, r.Actor, r.OnBehalfOf, r.IntegrationId, r.Operation, r.Outcome,
            r.UpstreamStatus, r.UpstreamRequestId, r.RequestDigest, r.ResponseDigest, r.Detail, Convert.ToHexStringLower(row.PrevHash), Convert.ToHexStringLower(row.Hash));
    }

    private static async Task<IResult> ListAsync(HttpContext http, AuditStore store, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        caller.Require(ApiScopes.AuditRead);
        var after = QueryLong(http, "after", 0, 0, long.MaxValue);
        var limit = (int)QueryLong(http, "limit", 100, 1, MaxPageSize);
        var type = http.Request.Query["type"].Count == 1 ? http.Request.Query["type"][0] : null;
        if (type is not null && (type.Length > 64 || !type.All(c => char.IsAsciiLetterLower(c) || c is '.' or '_')))
            throw ApiException.BadRequest("type is an event type such as proxy.call.", "type");
        var rows = await store.ListAsync(tenantId, after, limit, type, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.AuditRead, "ok", new AuditDetails(Detail: "events"));
        var next = rows.Count == limit ? rows[^1].Record.Seq : (long?)null;
        return Results.Json(new AuditEventsResponse(rows.Select(View).ToList(), next, eventId), GatewayJson.Options);
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, AuditVerifier verifier, AuditRecorder audit)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        caller.Require(ApiScopes.AuditRead);
        var result = await verifier.VerifyAsync(tenantId, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.AuditRead, result.Valid ? "valid" : "invalid",
            new AuditDetails(Detail: string.Create(CultureInfo.InvariantCulture, $"verify;checked={result.EventsChecked}")));
        return Results.Json(new VerifyResponse(result.Valid, result.EventsChecked, new HeadView(result.HeadSeq, Convert.ToHexStringLower(result.HeadHash)), null,
            result.Errors.Select(e => new BreakView(e.Seq, KindName(e.Kind))).ToList(), eventId), GatewayJson.Options);
    }

    internal static string KindName(AuditBreakKind kind) => kind switch
    {
        AuditBreakKind.ChangedEvent => "changed_event",
        AuditBreakKind.MissingEvent => "missing_event",
        AuditBreakKind.InsertedEvent => "inserted_event",
        AuditBreakKind.ReorderedEvents => "reordered_events",
        AuditBreakKind.BrokenLink => "broken_link",
        AuditBreakKind.WrongTenant => "wrong_tenant",
        _ => kind.ToString(),
    };

    internal static long QueryLong(HttpContext http, string name, long fallback, long min, long max)
    {
        var values = http.Request.Query[name];
        if (values.Count == 0) return fallback;
        if (values.Count > 1 || !long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw ApiException.BadRequest($"{name} must be a whole number from {min} to {max}.", name);
        return value;
    }
}
