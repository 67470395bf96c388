using System.Data.Common;
using System.Text.Json;
using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.ApiKeys;

public sealed class ApiKeyStore(Database database)
{
    private const string Columns = "id, tenant_id, name, key_hash, scopes, created_at, revoked_at";

    public async Task InsertAsync(ApiKeyRecord key, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var insert = connection.Sql($"INSERT INTO api_keys ({Columns}) VALUES (@id, @t, @name, @hash, @scopes, @created, NULL)")
            .With("id", key.Id).With("t", key.TenantId).With("name", key.Name).With("hash", key.KeyHash)
            .With("scopes", JsonSerializer.Serialize(key.Scopes)).With("created", key.CreatedAt);
        await insert.ExecuteNonQueryAsync(ct);
    }

    public async Task<ApiKeyRecord?> FindByHashAsync(byte[] keyHash, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql($"SELECT {Columns} FROM api_keys WHERE key_hash = @h").With("h", keyHash);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<ApiKeyRecord?> FindAsync(string id, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql($"SELECT {Columns} FROM api_keys WHERE id = @id").With("id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<bool> AnyAdminAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql("SELECT COUNT(*) FROM api_keys WHERE tenant_id IS NULL AND revoked_at IS NULL");
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    public async Task<bool> RevokeAsync(string id, string revokedAt, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql("UPDATE api_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL").With("at", revokedAt).With("id", id);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public enum AdminRevocation
    {
        Revoked,
        NotFound,
        AlreadyRevoked,
        LastActiveKey,
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListAdminAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql($"SELECT {Columns} FROM api_keys WHERE tenant_id IS NULL ORDER BY created_at, id");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var keys = new List<ApiKeyRecord>();
        while (await reader.ReadAsync(ct)) keys.Add(Read(reader));
        return keys;
    }

    /// <summary>
    /// Revokes a global admin key, optionally installing its replacement in the same transaction. The active admin keys are
    /// locked first, so two revocations racing on two replicas cannot leave none: the last one is kept unless replaced.
    /// </summary>
    public async Task<AdminRevocation> RevokeAdminAsync(string id, string revokedAt, ApiKeyRecord? replacement, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);
        var active = new List<string>();
        string? revokedAlready = null;
        await using (var select = connection.Sql($"SELECT id, revoked_at FROM api_keys WHERE tenant_id IS NULL{database.ForUpdate}", tx))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var keyId = reader.GetString(0);
                if (reader.IsDBNull(1)) active.Add(keyId);
                else if (keyId == id) revokedAlready = keyId;
            }
        }
        if (revokedAlready is not null) return AdminRevocation.AlreadyRevoked;
        if (!active.Contains(id)) return AdminRevocation.NotFound;
        if (active.Count == 1 && replacement is null) return AdminRevocation.LastActiveKey;
        if (replacement is not null)
        {
            await using var insert = connection.Sql($"INSERT INTO api_keys ({Columns}) VALUES (@id, NULL, @name, @hash, @scopes, @created, NULL)", tx)
                .With("id", replacement.Id).With("name", replacement.Name).With("hash", replacement.KeyHash)
                .With("scopes", JsonSerializer.Serialize(replacement.Scopes)).With("created", replacement.CreatedAt);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await using (var revoke = connection.Sql("UPDATE api_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", tx).With("at", revokedAt).With("id", id))
            await revoke.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return AdminRevocation.Revoked;
    }

    private static ApiKeyRecord Read(DbDataReader r) => new(
        r.GetString(0), r.GetNullableString(1), r.GetString(2), r.GetBytes(3),
        JsonSerializer.Deserialize<string[]>(r.GetString(4)) ?? [], r.GetString(5), r.GetNullableString(6));
}
