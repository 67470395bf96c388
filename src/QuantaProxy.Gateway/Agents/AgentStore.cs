using System.Data.Common;
using System.Text.Json;
using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.Agents;

public sealed class AgentStore(Database database)
{
    private const string Columns = "id, tenant_id, trusted_issuer_id, client_id, name, integrations, operations, created_at";

    /// <summary>False when the tenant already has this agent (same issuer and client id).</summary>
    public async Task<bool> InsertAsync(AgentRecord a, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var insert = connection.Sql($"""
            INSERT INTO agents ({Columns}, deleted_at)
            SELECT @id, @t, @iss, @cid, @name, @ints, @ops, @created, NULL
            WHERE NOT EXISTS (SELECT 1 FROM agents WHERE tenant_id = @t AND trusted_issuer_id = @iss AND client_id = @cid AND deleted_at IS NULL)
            """)
            .With("id", a.Id).With("t", a.TenantId).With("iss", a.TrustedIssuerId).With("cid", a.ClientId).With("name", a.Name)
            .With("ints", JsonSerializer.Serialize(a.Integrations)).With("ops", JsonSerializer.Serialize(a.Operations)).With("created", a.CreatedAt);
        try
        {
            return await insert.ExecuteNonQueryAsync(ct) == 1;
        }
        catch (DbException e) when (e.SqlState is "23505" || e.Message.Contains("UNIQUE", StringComparison.Ordinal))
        {
            return false;
        }
    }

    public async Task<bool> DeleteAsync(string tenantId, string id, string at, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var delete = connection.Sql("UPDATE agents SET deleted_at = @at WHERE id = @id AND tenant_id = @t AND deleted_at IS NULL")
            .With("at", at).With("id", id).With("t", tenantId);
        return await delete.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<AgentRecord?> FindAsync(string tenantId, string id, CancellationToken ct) =>
        FirstOrNull(await QueryAsync("tenant_id = @t AND id = @id AND deleted_at IS NULL", c => c.With("t", tenantId).With("id", id), ct));

    public async Task<AgentRecord?> FindByClientAsync(string tenantId, string trustedIssuerId, string clientId, CancellationToken ct) =>
        FirstOrNull(await QueryAsync("tenant_id = @t AND trusted_issuer_id = @iss AND client_id = @cid AND deleted_at IS NULL",
            c => c.With("t", tenantId).With("iss", trustedIssuerId).With("cid", clientId), ct));

    public Task<IReadOnlyList<AgentRecord>> ListAsync(string tenantId, CancellationToken ct) =>
        QueryAsync("tenant_id = @t AND deleted_at IS NULL", c => c.With("t", tenantId), ct);

    private async Task<IReadOnlyList<AgentRecord>> QueryAsync(string where, Action<DbCommand> bind, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql($"SELECT {Columns} FROM agents WHERE {where} ORDER BY id");
        bind(cmd);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<AgentRecord>();
        while (await reader.ReadAsync(ct))
            result.Add(new AgentRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                JsonSerializer.Deserialize<string[]>(reader.GetString(5)) ?? [], JsonSerializer.Deserialize<string[]>(reader.GetString(6)) ?? [], reader.GetString(7)));
        return result;
    }

    private static T? FirstOrNull<T>(IReadOnlyList<T> list) where T : class => list.Count == 0 ? null : list[0];
}
