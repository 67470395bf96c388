using System.Data.Common;
using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.Hooks;

public sealed class OktaHookStore(Database database)
{
    public async Task UpsertAsync(OktaHookConfig c, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);
        await using (var delete = connection.Sql("DELETE FROM okta_hooks WHERE tenant_id = @t", tx).With("t", c.TenantId)) await delete.ExecuteNonQueryAsync(ct);
        await using (var insert = connection.Sql("INSERT INTO okta_hooks (tenant_id, integration_id, secret_hash, created_at, last_published) VALUES (@t, @i, @h, @c, @p)", tx)
                         .With("t", c.TenantId).With("i", c.IntegrationId).With("h", c.SecretHash).With("c", c.CreatedAt).With("p", c.LastPublished))
            await insert.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }

    public async Task<OktaHookConfig?> FindAsync(string tenantId, CancellationToken ct)
    {
        var all = await QueryAsync("WHERE tenant_id = @t", c => c.With("t", tenantId), ct);
        return all.Count == 0 ? null : all[0];
    }

    public Task<IReadOnlyList<OktaHookConfig>> ListAsync(CancellationToken ct) => QueryAsync("", _ => { }, ct);

    /// <summary>Moves the System Log cursor forward only (deliveries arrive out of order).</summary>
    public async Task AdvanceAsync(string tenantId, string published, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var update = connection.Sql("UPDATE okta_hooks SET last_published = @p WHERE tenant_id = @t AND last_published < @p").With("p", published).With("t", tenantId);
        await update.ExecuteNonQueryAsync(ct);
    }

    /// <summary>True the first time an event uuid is seen for the tenant (Okta delivers at least once; the System Log repeats them).</summary>
    public async Task<bool> TryRecordEventAsync(string tenantId, string uuid, string eventType, string published, string at, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var insert = connection.Sql("""
            INSERT INTO okta_hook_events (tenant_id, uuid, event_type, published, received_at)
            SELECT @t, @u, @e, @p, @at WHERE NOT EXISTS (SELECT 1 FROM okta_hook_events WHERE tenant_id = @t AND uuid = @u)
            """).With("t", tenantId).With("u", uuid).With("e", eventType).With("p", published).With("at", at);
        try
        {
            return await insert.ExecuteNonQueryAsync(ct) == 1;
        }
        catch (DbException e) when (e.SqlState is "23505" || e.Message.Contains("UNIQUE", StringComparison.Ordinal))
        {
            return false;
        }
    }

    private async Task<IReadOnlyList<OktaHookConfig>> QueryAsync(string where, Action<DbCommand> bind, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql($"SELECT tenant_id, integration_id, secret_hash, created_at, last_published FROM okta_hooks {where} ORDER BY tenant_id LIMIT 10000");
        bind(cmd);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<OktaHookConfig>();
        while (await reader.ReadAsync(ct))
            result.Add(new OktaHookConfig(reader.GetString(0), reader.GetString(1), reader.GetBytes(2), reader.GetString(3), reader.GetString(4)));
        return result;
    }
}
