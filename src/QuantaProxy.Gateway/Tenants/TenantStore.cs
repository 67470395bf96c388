using System.Data.Common;
using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.Tenants;

public sealed class TenantStore(Database database)
{
    public async Task CreateAsync(TenantRecord tenant, IReadOnlyList<TenantKeyRecord> keys, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);
        await using (var insert = connection.Sql("INSERT INTO tenants (id, name, kms_key_id, created_at) VALUES (@id, @name, @kms, @created)", tx)
                   .With("id", tenant.Id).With("name", tenant.Name).With("kms", tenant.KmsKeyId).With("created", tenant.CreatedAt))
            await insert.ExecuteNonQueryAsync(ct);
        foreach (var key in keys) await InsertKeyAsync(connection, tx, key, ct);
        await tx.CommitAsync(ct);
    }

    public async Task AddKeyAsync(TenantKeyRecord key, bool retirePrevious, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);
        if (retirePrevious)
        {
            await using var retire = connection.Sql("UPDATE tenant_keys SET status = @retired, retired_at = @at WHERE tenant_id = @t AND purpose = @p AND status = @active", tx)
                .With("retired", KeyStatus.Retired).With("at", key.CreatedAt).With("t", key.TenantId).With("p", key.Purpose).With("active", KeyStatus.Active);
            await retire.ExecuteNonQueryAsync(ct);
        }
        await InsertKeyAsync(connection, tx, key, ct);
        await tx.CommitAsync(ct);
    }

    private static async Task InsertKeyAsync(DbConnection connection, DbTransaction tx, TenantKeyRecord key, CancellationToken ct)
    {
        await using var insert = connection.Sql("""
            INSERT INTO tenant_keys (id, purpose, tenant_id, public_key, wrapped_secret, kms_key_id, status, created_at, retired_at)
            VALUES (@id, @purpose, @tenant, @pub, @wrapped, @kms, @status, @created, @retired)
            """, tx)
            .With("id", key.Id).With("purpose", key.Purpose).With("tenant", key.TenantId).With("pub", key.PublicKey)
            .With("wrapped", key.WrappedSecret).With("kms", key.KmsKeyId).With("status", key.Status)
            .With("created", key.CreatedAt).With("retired", key.RetiredAt);
        await insert.ExecuteNonQueryAsync(ct);
    }

    public async Task<TenantRecord?> FindAsync(string tenantId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql("SELECT id, name, kms_key_id, created_at FROM tenants WHERE id = @id").With("id", tenantId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new TenantRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)) : null;
    }

    public async Task<IReadOnlyList<TenantRecord>> ListAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql("SELECT id, name, kms_key_id, created_at FROM tenants ORDER BY id");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<TenantRecord>();
        while (await reader.ReadAsync(ct)) result.Add(new TenantRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        return result;
    }

    public async Task<IReadOnlyList<TenantKeyRecord>> ListKeysAsync(string tenantId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql("""
            SELECT id, purpose, tenant_id, public_key, wrapped_secret, kms_key_id, status, created_at, retired_at
            FROM tenant_keys WHERE tenant_id = @t ORDER BY created_at, id
            """).With("t", tenantId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<TenantKeyRecord>();
        while (await reader.ReadAsync(ct))
        {
            result.Add(new TenantKeyRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetNullableBytes(3),
                reader.GetBytes(4), reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetNullableString(8)));
        }
        return result;
    }

    public async Task AddEnvelopeKeyAsync(EnvelopeKeyRecord key, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var insert = connection.Sql("INSERT INTO envelope_keys (id, tenant_id, public_key, status, created_at, retired_at) VALUES (@id, @t, @pub, @status, @created, NULL)")
            .With("id", key.Id).With("t", key.TenantId).With("pub", key.PublicKey).With("status", key.Status).With("created", key.CreatedAt);
        await insert.ExecuteNonQueryAsync(ct);
    }

    public async Task<IReadOnlyList<EnvelopeKeyRecord>> ListEnvelopeKeysAsync(string tenantId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql("SELECT id, tenant_id, public_key, status, created_at, retired_at FROM envelope_keys WHERE tenant_id = @t ORDER BY created_at, id").With("t", tenantId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<EnvelopeKeyRecord>();
        while (await reader.ReadAsync(ct))
            result.Add(new EnvelopeKeyRecord(reader.GetString(0), reader.GetString(1), reader.GetBytes(2), reader.GetString(3), reader.GetString(4), reader.GetNullableString(5)));
        return result;
    }
}
