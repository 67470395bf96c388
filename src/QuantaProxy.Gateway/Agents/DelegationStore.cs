using System.Data.Common;
using System.Text.Json;
using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.Agents;

/// <summary>
/// Delegations, their daily usage and the people Okta said to stop acting for. The proxy path reads these on every call
/// (no cache), so a suspension written by any replica holds on every replica from its commit.
/// </summary>
public sealed class DelegationStore(Database database)
{
    private const string Columns = "id, tenant_id, agent_id, integration_id, operations, subject_type, subject_id, subject_login, expires_at, calls_per_day, status, status_reason, created_at, updated_at";

    public async Task InsertAsync(DelegationRecord d, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var insert = connection.Sql($"INSERT INTO delegations ({Columns}) VALUES (@id, @t, @agent, @int, @ops, @stype, @sid, @slogin, @exp, @cpd, @status, @reason, @created, @updated)")
            .With("id", d.Id).With("t", d.TenantId).With("agent", d.AgentId).With("int", d.IntegrationId).With("ops", JsonSerializer.Serialize(d.Operations))
            .With("stype", d.SubjectType).With("sid", d.SubjectId).With("slogin", d.SubjectLogin).With("exp", d.ExpiresAt).With("cpd", d.CallsPerDay)
            .With("status", d.Status).With("reason", d.StatusReason).With("created", d.CreatedAt).With("updated", d.UpdatedAt);
        await insert.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> SetStatusAsync(string tenantId, string id, string status, string reason, string at, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var update = connection.Sql("UPDATE delegations SET status = @s, status_reason = @r, updated_at = @at WHERE id = @id AND tenant_id = @t")
            .With("s", status).With("r", reason).With("at", at).With("id", id).With("t", tenantId);
        return await update.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<DelegationRecord?> FindAsync(string tenantId, string id, CancellationToken ct) =>
        FirstOrNull(await QueryAsync("tenant_id = @t AND id = @id", c => c.With("t", tenantId).With("id", id), ct));

    public Task<IReadOnlyList<DelegationRecord>> ListAsync(string tenantId, CancellationToken ct) =>
        QueryAsync("tenant_id = @t", c => c.With("t", tenantId), ct);

    /// <summary>The active delegations an agent holds for an integration (the gate then checks operation, expiry, subject).</summary>
    public Task<IReadOnlyList<DelegationRecord>> ActiveForAsync(string tenantId, string agentId, string integrationId, CancellationToken ct) =>
        QueryAsync("tenant_id = @t AND agent_id = @a AND integration_id = @i AND status = 'active'",
            c => c.With("t", tenantId).With("a", agentId).With("i", integrationId), ct);

    /// <summary>Suspends the person's own active delegations; returns their ids.</summary>
    public async Task<IReadOnlyList<string>> SuspendForPersonAsync(string tenantId, string userId, string reason, string at, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);
        var ids = new List<string>();
        await using (var select = connection.Sql("SELECT id FROM delegations WHERE tenant_id = @t AND subject_type = 'user' AND subject_id = @u AND status = 'active'", tx)
                         .With("t", tenantId).With("u", userId))
        await using (var reader = await select.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        await using (var update = connection.Sql("UPDATE delegations SET status = 'suspended', status_reason = @r, updated_at = @at WHERE tenant_id = @t AND subject_type = 'user' AND subject_id = @u AND status = 'active'", tx)
                         .With("r", reason).With("at", at).With("t", tenantId).With("u", userId))
            await update.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return ids;
    }

    /// <summary>
    /// Records that the gateway must no longer act for the person: through every delegation (<paramref name="groupId"/> empty)
    /// or through group-based delegations of one group. Idempotent; true when the block is new.
    /// </summary>
    public async Task<bool> BlockPersonAsync(string tenantId, string userId, string groupId, string reason, string eventUuid, string at, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var insert = connection.Sql("""
            INSERT INTO person_blocks (tenant_id, okta_user_id, group_id, reason, event_uuid, blocked_at)
            SELECT @t, @u, @g, @r, @e, @at
            WHERE NOT EXISTS (SELECT 1 FROM person_blocks WHERE tenant_id = @t AND okta_user_id = @u AND group_id = @g)
            """).With("t", tenantId).With("u", userId).With("g", groupId).With("r", reason).With("e", eventUuid).With("at", at);
        try
        {
            return await insert.ExecuteNonQueryAsync(ct) == 1;
        }
        catch (DbException e) when (e.SqlState is "23505" || e.Message.Contains("UNIQUE", StringComparison.Ordinal))
        {
            return false;
        }
    }

    /// <summary>The groups through which the person is blocked ("" = every delegation).</summary>
    public async Task<IReadOnlySet<string>> BlocksForAsync(string tenantId, string userId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql("SELECT group_id FROM person_blocks WHERE tenant_id = @t AND okta_user_id = @u").With("t", tenantId).With("u", userId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct)) result.Add(reader.GetString(0));
        return result;
    }

    public async Task LiftBlocksAsync(string tenantId, string userId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var delete = connection.Sql("DELETE FROM person_blocks WHERE tenant_id = @t AND okta_user_id = @u").With("t", tenantId).With("u", userId);
        await delete.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Counts one call against the day's limit; false (nothing counted) when the limit is reached.</summary>
    public async Task<bool> TryCountCallAsync(string delegationId, string day, long limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);
        await using (var seed = connection.Sql("INSERT INTO delegation_usage (delegation_id, day, calls) SELECT @d, @day, 0 WHERE NOT EXISTS (SELECT 1 FROM delegation_usage WHERE delegation_id = @d AND day = @day)", tx)
                         .With("d", delegationId).With("day", day))
            await seed.ExecuteNonQueryAsync(ct);
        await using var bump = connection.Sql("UPDATE delegation_usage SET calls = calls + 1 WHERE delegation_id = @d AND day = @day AND calls < @limit", tx)
            .With("d", delegationId).With("day", day).With("limit", limit);
        var counted = await bump.ExecuteNonQueryAsync(ct) == 1;
        await tx.CommitAsync(ct);
        return counted;
    }

    private async Task<IReadOnlyList<DelegationRecord>> QueryAsync(string where, Action<DbCommand> bind, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql($"SELECT {Columns} FROM delegations WHERE {where} ORDER BY id LIMIT 10000");
        bind(cmd);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<DelegationRecord>();
        while (await reader.ReadAsync(ct))
            result.Add(new DelegationRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                JsonSerializer.Deserialize<string[]>(reader.GetString(4)) ?? [], reader.GetString(5), reader.GetString(6), reader.GetString(7),
                reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetInt64(9), reader.GetString(10), reader.GetString(11), reader.GetString(12), reader.GetString(13)));
        return result;
    }

    private static T? FirstOrNull<T>(IReadOnlyList<T> list) where T : class => list.Count == 0 ? null : list[0];
}
