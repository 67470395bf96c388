using System.Globalization;
using QuantaProxy.Crypto.Audit;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Tenants;
using QuantaProxy.Gateway.Vault;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Audit;

public static class AuditEndpoints
{
    public const int MaxPageSize = 1000;

    public sealed record AuditEventView(
        string EventId, string TenantId, long Seq, string OccurredAt, string Type, string Actor, string OnBehalfOf, string IntegrationId,
        string Operation, string Outcome, string UpstreamStatus, string UpstreamRequestId, string RequestDigest, string ResponseDigest,
        string Detail, string PrevHash, string Hash);
    public sealed record AuditEventsResponse(IReadOnlyList<AuditEventView> Events, long? NextAfter, string AuditEventId, long? NextBefore = null);
    public sealed record HeadView(long Seq, string Hash);
    public sealed record BreakView(long Seq, string Kind);
    public sealed record VerifyResponse(bool Valid, long EventsChecked, HeadView Head, CheckpointView? Checkpoint, IReadOnlyList<BreakView> Errors, string AuditEventId);
    public sealed record CheckpointView(long TreeSize, string RootHash, string Checkpoint, bool? ConsistentWithChain = null);
    public sealed record CheckpointResponse(long TreeSize, string RootHash, string Checkpoint, string AuditEventId);
    public sealed record CheckpointListResponse(IReadOnlyList<CheckpointListItem> Checkpoints, long? NextAfter, string AuditEventId);
    public sealed record CheckpointListItem(long TreeSize, string Checkpoint);
    public sealed record InclusionProofResponse(string EventId, long Seq, long LeafIndex, long TreeSize, string LeafHash, string RootHash, IReadOnlyList<string> Proof, string AuditEventId);
    public sealed record ConsistencyProofResponse(long From, long To, string FromRoot, string ToRoot, IReadOnlyList<string> Proof, string AuditEventId);

    public static void MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v2/audit").WithTags("Audit").RequireScope(ApiScopes.AuditRead);
        group.MapGet("/events", ListAsync).WithName("ListAuditEvents").Produces<AuditEventsResponse>();
        group.MapGet("/verify", VerifyAsync).WithName("VerifyAuditChain").Produces<VerifyResponse>();
        group.MapGet("/checkpoint", CheckpointAsync).WithName("GetAuditCheckpoint").Produces<CheckpointResponse>();
        group.MapGet("/checkpoints", CheckpointsAsync).WithName("ListAuditCheckpoints").Produces<CheckpointListResponse>();
        group.MapGet("/events/{eventId}/proof", ProofAsync).WithName("GetInclusionProof").Produces<InclusionProofResponse>();
        group.MapGet("/consistency", ConsistencyAsync).WithName("GetConsistencyProof").Produces<ConsistencyProofResponse>();
    }

    internal static AuditEventView View(StoredAuditRow row)
    {
        var r = row.Record;
        return new AuditEventView(r.EventId, r.TenantId, r.Seq, r.OccurredAt, r.Type, r.Actor, r.OnBehalfOf, r.IntegrationId, r.Operation, r.Outcome,
            r.UpstreamStatus, r.UpstreamRequestId, r.RequestDigest, r.ResponseDigest, r.Detail, Convert.ToHexStringLower(row.PrevHash), Convert.ToHexStringLower(row.Hash));
    }

    /// <summary>
    /// A page of events matching the filter (<see cref="AuditEventFilter"/>), oldest first after <c>after</c>, or with
    /// <c>order=desc</c> newest first below <c>before</c>. A full page names the cursor of the next one in the same direction.
    /// </summary>
    private static async Task<IResult> ListAsync(HttpContext http, AuditStore store, AuditRecorder audit, TenantDirectory tenants)
    {
        var tenantId = await BeginAsync(http, tenants, systemChain: true);
        var after = InputRules.QueryLong(http, "after", 0, 0, long.MaxValue);
        var before = InputRules.QueryLong(http, "before", long.MaxValue, 1, long.MaxValue);
        var limit = (int)InputRules.QueryLong(http, "limit", 100, 1, MaxPageSize);
        var newestFirst = http.Request.Query["order"] switch
        {
            { Count: 0 } or ["asc"] => false,
            ["desc"] => true,
            _ => throw ApiException.BadRequest("order is asc (oldest first, the default) or desc (newest first).", "order"),
        };
        var filter = AuditEventFilter.Parse(http.Request.Query);
        var rows = await store.ListAsync(tenantId, filter, after, before, newestFirst, limit, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.AuditRead, "ok", new AuditDetails(Detail: "events" + filter.Describe()));
        long? next = rows.Count == limit ? rows[^1].Record.Seq : null;
        return Results.Json(new AuditEventsResponse(rows.Select(View).ToList(), newestFirst ? null : next, eventId, newestFirst ? next : null), GatewayJson.Options);
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, AuditVerifier verifier, AuditStore store, AuditTreeCache trees, AuditRecorder audit, TenantDirectory tenants)
    {
        var tenantId = await BeginAsync(http, tenants, systemChain: true);
        var result = await verifier.VerifyAsync(tenantId, http.RequestAborted);
        var errors = result.Errors.Select(e => new BreakView(e.Seq, KindName(e.Kind))).ToList();
        // The last signed checkpoint must still be the root of the stored chain at its size: a rewrite that recomputed
        // every hash passes the chain check and fails here (and at the tenant, who kept the checkpoint).
        CheckpointView? checkpoint = null;
        if (await store.LatestCheckpointAsync(tenantId, http.RequestAborted) is { } latest)
        {
            var rootNow = await trees.UseAsync(tenantId, t => latest.TreeSize <= t.Size ? t.RootHash(latest.TreeSize) : null, http.RequestAborted);
            var consistent = rootNow is not null && rootNow.AsSpan().SequenceEqual(latest.RootHash);
            if (!consistent) errors.Add(new BreakView(latest.TreeSize, "checkpoint_mismatch"));
            checkpoint = new CheckpointView(latest.TreeSize, Convert.ToHexStringLower(latest.RootHash), latest.SignedText, consistent);
        }
        var valid = errors.Count == 0;
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.AuditRead, valid ? "valid" : "invalid",
            new AuditDetails(Detail: string.Create(CultureInfo.InvariantCulture, $"verify;checked={result.EventsChecked}")));
        return Results.Json(new VerifyResponse(valid, result.EventsChecked, new HeadView(result.HeadSeq, Convert.ToHexStringLower(result.HeadHash)), checkpoint,
            errors, eventId), GatewayJson.Options);
    }

    /// <summary>
    /// Resolves the tenant and checks the scope. A tenant the admin key names must exist before its (then empty) chain
    /// is read: proofs over an empty tree have no answer.
    /// </summary>
    private static async Task<string> BeginAsync(HttpContext http, TenantDirectory tenants, bool systemChain = false)
    {
        var caller = CallerContext.Get(http);
        // The system chain (global admin keys) is listed and verified by the global admin key alone; it has no checkpoint key.
        if (systemChain && caller.IsAdmin && http.Request.Query["tenant_id"] is [AuditRecorder.SystemChain])
        {
            AuditContext.Get(http)!.TenantId = AuditRecorder.SystemChain;
            return AuditRecorder.SystemChain;
        }
        var tenantId = caller.ResolveTenant(VaultEndpoints.TenantFromQuery(http));
        AuditContext.Get(http)!.TenantId = tenantId;
        if (!await tenants.ExistsAsync(tenantId, http.RequestAborted)) throw ApiException.NotFound("Tenant");
        return tenantId;
    }

    private static async Task<IResult> CheckpointAsync(HttpContext http, CheckpointService checkpoints, AuditRecorder audit, TenantDirectory tenants)
    {
        var tenantId = await BeginAsync(http, tenants);
        var signed = await checkpoints.GetOrSignAsync(tenantId, http.RequestAborted, reuse: true) ?? throw ApiException.NotFound("Checkpoint");
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.AuditRead, "ok", new AuditDetails(Detail: string.Create(CultureInfo.InvariantCulture, $"checkpoint;size={signed.TreeSize}")));
        return Results.Json(new CheckpointResponse(signed.TreeSize, Convert.ToHexStringLower(signed.RootHash), signed.Text, eventId), GatewayJson.Options);
    }

    private static async Task<IResult> CheckpointsAsync(HttpContext http, AuditStore store, AuditRecorder audit, TenantDirectory tenants)
    {
        var tenantId = await BeginAsync(http, tenants);
        var after = InputRules.QueryLong(http, "after", 0, 0, long.MaxValue);
        var limit = (int)InputRules.QueryLong(http, "limit", 100, 1, MaxPageSize);
        var list = await store.ListCheckpointsAsync(tenantId, after, limit, http.RequestAborted);
        var eventId = await audit.RecordAsync(http, tenantId, AuditEventTypes.AuditRead, "ok", new AuditDetails(Detail: "checkpoints"));
        var next = list.Count == limit ? list[^1].TreeSize : (long?)null;
        return Results.Json(new CheckpointListResponse(list.Select(c => new CheckpointListItem(c.TreeSize, c.SignedText)).ToList(), next, eventId), GatewayJson.Options);
    }

    private static async Task<IResult> ProofAsync(string eventId, HttpContext http, AuditStore store, AuditTreeCache trees, AuditRecorder audit, TenantDirectory tenants)
    {
        var tenantId = await BeginAsync(http, tenants);
        eventId = InputRules.Id(eventId, Crypto.Formats.PrefixedId.AuditEvent, "Audit event");
        var stored = await store.FindAsync(tenantId, eventId, http.RequestAborted) ?? throw ApiException.NotFound("Audit event");
        var index = stored.Record.Seq - 1;
        var (size, leaf, root, proof) = await trees.UseAsync(tenantId, tree =>
        {
            var n = InputRules.QueryLong(http, "tree_size", tree.Size, 1, tree.Size);
            if (index >= n) throw ApiException.BadRequest("The event is not in a tree of that size.", "tree_size");
            return (n, tree.LeafHashAt(index), tree.RootHash(n), tree.InclusionProof(index, n));
        }, http.RequestAborted);
        var auditId = await audit.RecordAsync(http, tenantId, AuditEventTypes.AuditRead, "ok", new AuditDetails(Detail: $"proof;event={eventId}"));
        return Results.Json(new InclusionProofResponse(eventId, stored.Record.Seq, index, size, Convert.ToHexStringLower(leaf), Convert.ToHexStringLower(root),
            proof.Select(Convert.ToHexStringLower).ToList(), auditId), GatewayJson.Options);
    }

    private static async Task<IResult> ConsistencyAsync(HttpContext http, AuditTreeCache trees, AuditRecorder audit, TenantDirectory tenants)
    {
        var tenantId = await BeginAsync(http, tenants);
        var (from, to, fromRoot, toRoot, proof) = await trees.UseAsync(tenantId, tree =>
        {
            if (tree.Size == 0) throw ApiException.NotFound("Audit event");
            var n = InputRules.QueryLong(http, "to", tree.Size, 1, tree.Size);
            var m = InputRules.QueryLong(http, "from", 1, 1, n);
            return (m, n, tree.RootHash(m), tree.RootHash(n), tree.ConsistencyProof(m, n));
        }, http.RequestAborted);
        var auditId = await audit.RecordAsync(http, tenantId, AuditEventTypes.AuditRead, "ok", new AuditDetails(Detail: string.Create(CultureInfo.InvariantCulture, $"consistency;{from}-{to}")));
        return Results.Json(new ConsistencyProofResponse(from, to, Convert.ToHexStringLower(fromRoot), Convert.ToHexStringLower(toRoot),
            proof.Select(Convert.ToHexStringLower).ToList(), auditId), GatewayJson.Options);
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
}
