using System.Data.Common;
using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.Vault;

public sealed class CredentialStore(Database database)
{
    private const string Columns = "id, tenant_id, name, credential_type, current_version, status, created_at, updated_at";

    public async Task CreateAsync(CredentialRecord credential, CredentialVersionRecord version, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);
        await using (var insert = connection.Sql($"INSERT INTO credentials ({Columns}) VALUES (@id, @t, @name, @type, @v, @status, @created, @updated)", tx)
                   .With("id", credential.Id).With("t", credential.TenantId).With("name", credential.Name).With("type", credential.CredentialType)
                   .With("v", credential.CurrentVersion).With("status", credential.Status).With("created", credential.CreatedAt).With("updated", credential.UpdatedAt))
            await insert.ExecuteNonQueryAsync(ct);
        await InsertVersionAsync(connection, tx, version, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Adds version <c>current+1</c> and destroys every older version's ciphertext, atomically. False if the credential changed meanwhile.</summary>
    public async Task<bool> RotateAsync(string tenantId, string credentialId, int expectedCurrentVersion, CredentialVersionRecord next, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);
        await using (var update = connection.Sql("""
                   UPDATE credentials SET current_version = @next, updated_at = @at
                   WHERE id = @id AND tenant_id = @t AND current_version = @expected AND status = 'active'
                   """, tx)
                   .With("next", next.Version).With("at", next.CreatedAt).With("id", credentialId).With("t", tenantId).With("expected", expectedCurrentVersion))
        {
            if (await update.ExecuteNonQueryAsync(ct) != 1)
            {
                await tx.RollbackAsync(ct);
                return false;
            }
        }
        await using (var shred = connection.Sql("UPDATE credential_versions SET enc = NULL, ciphertext = NULL, destroyed_at = @at WHERE credential_id = @id AND destroyed_at IS NULL", tx)
                   .With("at", next.CreatedAt).With("id", credentialId))
            await shred.ExecuteNonQueryAsync(ct);
        await InsertVersionAsync(connection, tx, next, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Crypto-shred: every sealed version's bytes are overwritten with NULL; only metadata remains.</summary>
    public async Task<bool> DestroyAsync(string tenantId, string credentialId, string at, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);
        await using (var update = connection.Sql("UPDATE credentials SET status = 'destroyed', updated_at = @at WHERE id = @id AND tenant_id = @t AND status = 'active'", tx)
                   .With("at", at).With("id", credentialId).With("t", tenantId))
        {
            if (await update.ExecuteNonQueryAsync(ct) != 1)
            {
                await tx.RollbackAsync(ct);
                return false;
            }
        }
        await using (var shred = connection.Sql("UPDATE credential_versions SET enc = NULL, ciphertext = NULL, destroyed_at = @at WHERE credential_id = @id AND destroyed_at IS NULL", tx)
                   .With("at", at).With("id", credentialId))
            await shred.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<CredentialRecord?> FindAsync(string tenantId, string credentialId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql($"SELECT {Columns} FROM credentials WHERE id = @id AND tenant_id = @t").With("id", credentialId).With("t", tenantId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<IReadOnlyList<CredentialRecord>> ListAsync(string tenantId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql($"SELECT {Columns} FROM credentials WHERE tenant_id = @t ORDER BY id").With("t", tenantId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<CredentialRecord>();
        while (await reader.ReadAsync(ct)) result.Add(Read(reader));
        return result;
    }

    public async Task<CredentialVersionRecord?> FindVersionAsync(string credentialId, int version, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql("SELECT credential_id, version, vault_key_id, enc, ciphertext, created_at, destroyed_at FROM credential_versions WHERE credential_id = @id AND version = @v")
            .With("id", credentialId).With("v", version);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new CredentialVersionRecord(reader.GetString(0), Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(2),
            reader.GetNullableBytes(3), reader.GetNullableBytes(4), reader.GetString(5), reader.GetNullableString(6));
    }

    private static async Task InsertVersionAsync(DbConnection connection, DbTransaction tx, CredentialVersionRecord v, CancellationToken ct)
    {
        await using var insert = connection.Sql("""
            INSERT INTO credential_versions (credential_id, version, vault_key_id, enc, ciphertext, created_at, destroyed_at)
            VALUES (@id, @v, @vkk, @enc, @ct, @created, NULL)
            """, tx)
            .With("id", v.CredentialId).With("v", v.Version).With("vkk", v.VaultKeyId).With("enc", v.Enc).With("ct", v.Ciphertext).With("created", v.CreatedAt);
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static CredentialRecord Read(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        Convert.ToInt32(r.GetValue(4), System.Globalization.CultureInfo.InvariantCulture), r.GetString(5), r.GetString(6), r.GetString(7));
}
