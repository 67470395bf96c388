using System.Data.Common;
using System.Text.Json;
using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.Policies;

public static class ApprovalStates
{
    public const string Pending = "pending";
    /// <summary>The final approval was given and one replica is running the call.</summary>
    public const string Executing = "executing";
    public const string Executed = "executed";
    /// <summary>Approved, but the call was refused or failed when run (see the outcome).</summary>
    public const string Failed = "failed";
    public const string Rejected = "rejected";
    public const string Expired = "expired";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Pending, Executing, Executed, Failed, Rejected, Expired };
}

/// <summary>
/// A call a policy held for approval. The payload is sealed to the tenant's vault key (never in clear at rest); the
/// caller is kept as it was verified (key id, scopes, agent identity: no secret).
/// </summary>
public sealed record ApprovalRecord(string Id, string TenantId, string State, int Required, IReadOnlyList<string> PolicyIds, string RequestedBy, string OnBehalfOf,
    string CallerJson, string IntegrationId, string Operation, string VaultKeyId, byte[] PayloadEnc, byte[] PayloadCiphertext, IReadOnlyList<string> Approvers,
    string CreatedAt, string ExpiresAt, string? DecidedAt, string? RequestId, byte[]? Envelope, string? Outcome, IReadOnlyList<string>? Reasons = null, string? AgentId = null);

public sealed class ApprovalStore(Database database)
{
    private const string Columns = "id, tenant_id, state, required, policy_ids, requested_by, on_behalf_of, caller_json, integration_id, operation, vault_key_id, " +
                                   "payload_enc, payload_ciphertext, approvers, created_at, expires_at, decided_at, request_id, envelope, outcome, reasons, agent_id";

    public async Task InsertAsync(ApprovalRecord r, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var insert = connection.Sql($"""
            INSERT INTO approvals ({Columns}) VALUES (@id, @t, @state, @required, @policies, @by, @obo, @caller, @int, @op, @vk, @enc, @ct, @approvers, @created, @expires, NULL, NULL, NULL, NULL, @reasons, @agent)
            """)
            .With("id", r.Id).With("t", r.TenantId).With("state", r.State).With("required", (long)r.Required).With("policies", JsonSerializer.Serialize(r.PolicyIds))
            .With("by", r.RequestedBy).With("obo", r.OnBehalfOf).With("caller", r.CallerJson).With("int", r.IntegrationId).With("op", r.Operation)
            .With("vk", r.VaultKeyId).With("enc", r.PayloadEnc).With("ct", r.PayloadCiphertext).With("approvers", JsonSerializer.Serialize(r.Approvers))
            .With("created", r.CreatedAt).With("expires", r.ExpiresAt).With("reasons", r.Reasons is null ? null : JsonSerializer.Serialize(r.Reasons)).With("agent", r.AgentId);
        await insert.ExecuteNonQueryAsync(ct);
    }

    public async Task<ApprovalRecord?> FindAsync(string tenantId, string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql($"SELECT {Columns} FROM approvals WHERE tenant_id = @t AND id = @id").With("t", tenantId).With("id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>
    /// One page of the tenant's approvals, newest first (ids are ULIDs: their order is the order they were held in), those
    /// older than <paramref name="beforeId"/> when a page went before; optionally only those in <paramref name="state"/>.
    /// </summary>
    public async Task<IReadOnlyList<ApprovalRecord>> ListAsync(string tenantId, string? state, string? beforeId, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var sql = $"SELECT {Columns} FROM approvals WHERE tenant_id = @t" + (state is null ? "" : " AND state = @state") + (beforeId is null ? "" : " AND id < @before") +
                  " ORDER BY id DESC LIMIT @limit";
        await using var cmd = connection.Sql(sql).With("t", tenantId).With("limit", limit);
        if (state is not null) cmd.With("state", state);
        if (beforeId is not null) cmd.With("before", beforeId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<ApprovalRecord>();
        while (await reader.ReadAsync(ct)) result.Add(Read(reader));
        return result;
    }

    private static ApprovalRecord Read(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), (int)reader.GetInt64(3),
            JsonSerializer.Deserialize<string[]>(reader.GetString(4)) ?? [], reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8),
            reader.GetString(9), reader.GetString(10), reader.GetBytes(11), reader.GetBytes(12), JsonSerializer.Deserialize<string[]>(reader.GetString(13)) ?? [],
            reader.GetString(14), reader.GetString(15), reader.GetNullableString(16), reader.GetNullableString(17), reader.GetNullableBytes(18), reader.GetNullableString(19),
            reader.GetNullableString(20) is { } reasons ? JsonSerializer.Deserialize<string[]>(reasons) : null, reader.GetNullableString(21));

    /// <summary>
    /// Adds an approver, moving the approval to <paramref name="newState"/>, only if nobody changed it since it was read
    /// (compare-and-set on the state and the approver list): of two replicas taking the final approval, one wins.
    /// </summary>
    public async Task<bool> TransitionAsync(ApprovalRecord read, string newState, IReadOnlyList<string> approvers, string decidedAt, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var update = connection.Sql("""
            UPDATE approvals SET state = @new, approvers = @approvers, decided_at = @decided
            WHERE id = @id AND tenant_id = @t AND state = @old AND approvers = @oldApprovers
            """)
            .With("new", newState).With("approvers", JsonSerializer.Serialize(approvers)).With("decided", decidedAt).With("id", read.Id).With("t", read.TenantId)
            .With("old", read.State).With("oldApprovers", JsonSerializer.Serialize(read.Approvers));
        return await update.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Records how the approved call ended (only from <see cref="ApprovalStates.Executing"/>).</summary>
    public async Task FinishAsync(string tenantId, string id, string state, string requestId, byte[]? envelope, string outcome, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var update = connection.Sql("""
            UPDATE approvals SET state = @state, request_id = @rid, envelope = @env, outcome = @outcome
            WHERE id = @id AND tenant_id = @t AND state = @executing
            """)
            .With("state", state).With("rid", requestId).With("env", envelope).With("outcome", outcome).With("id", id).With("t", tenantId).With("executing", ApprovalStates.Executing);
        await update.ExecuteNonQueryAsync(ct);
    }
}
