using System.Data.Common;
using System.Text.Json;
using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.Integrations;

public sealed class IntegrationStore(Database database)
{
    private const string Columns = "id, tenant_id, name, system_type, okta_domain, credential_id, scopes, allowed_operations, created_at, updated_at";

    public async Task InsertAsync(IntegrationRecord i, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var insert = connection.Sql($"INSERT INTO integrations ({Columns}, deleted_at) VALUES (@id, @t, @name, @type, @domain, @cred, @scopes, @ops, @created, @updated, NULL)");
        Bind(insert, i);
        await insert.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> UpdateAsync(IntegrationRecord i, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var update = connection.Sql("""
            UPDATE integrations SET name = @name, system_type = @type, okta_domain = @domain, credential_id = @cred, scopes = @scopes,
                   allowed_operations = @ops, updated_at = @updated
            WHERE id = @id AND tenant_id = @t AND deleted_at IS NULL
            """);
        Bind(update, i);
        return await update.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<bool> DeleteAsync(string tenantId, string id, string at, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var delete = connection.Sql("UPDATE integrations SET deleted_at = @at WHERE id = @id AND tenant_id = @t AND deleted_at IS NULL")
            .With("at", at).With("id", id).With("t", tenantId);
        return await delete.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<IntegrationRecord?> FindAsync(string tenantId, string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql($"SELECT {Columns} FROM integrations WHERE id = @id AND tenant_id = @t AND deleted_at IS NULL").With("id", id).With("t", tenantId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<IntegrationRecord>> ListAsync(string tenantId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql($"SELECT {Columns} FROM integrations WHERE tenant_id = @t AND deleted_at IS NULL ORDER BY id").With("t", tenantId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<IntegrationRecord>();
        while (await reader.ReadAsync(ct)) result.Add(Read(reader));
        return result;
    }

    private static void Bind(DbCommand c, IntegrationRecord i) => c
        .With("id", i.Id).With("t", i.TenantId).With("name", i.Name).With("type", i.SystemType).With("domain", i.OktaDomain)
        .With("cred", i.CredentialId).With("scopes", JsonSerializer.Serialize(i.Scopes)).With("ops", JsonSerializer.Serialize(i.AllowedOperations))
        .With("created", i.CreatedAt).With("updated", i.UpdatedAt);

    private static IntegrationRecord Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5),
        JsonSerializer.Deserialize<string[]>(r.GetString(6)) ?? [], JsonSerializer.Deserialize<string[]>(r.GetString(7)) ?? [],
        r.GetString(8), r.GetString(9));
}
