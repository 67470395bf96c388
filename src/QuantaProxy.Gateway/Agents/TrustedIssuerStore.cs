using System.Data.Common;
using System.Text.Json;
using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.Agents;

public sealed class TrustedIssuerStore(Database database)
{
    private const string Columns = "id, tenant_id, issuer, audience, algorithms, token_shape, created_at";

    /// <summary>False when another live entry (of any tenant) already has this issuer and audience.</summary>
    public async Task<bool> InsertAsync(TrustedIssuerRecord r, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var insert = connection.Sql($"""
            INSERT INTO trusted_issuers ({Columns}, deleted_at)
            SELECT @id, @t, @iss, @aud, @alg, @shape, @created, NULL
            WHERE NOT EXISTS (SELECT 1 FROM trusted_issuers WHERE issuer = @iss AND audience = @aud AND deleted_at IS NULL)
            """)
            .With("id", r.Id).With("t", r.TenantId).With("iss", r.Issuer).With("aud", r.Audience)
            .With("alg", JsonSerializer.Serialize(r.Algorithms)).With("shape", r.TokenShape).With("created", r.CreatedAt);
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
        await using var delete = connection.Sql("UPDATE trusted_issuers SET deleted_at = @at WHERE id = @id AND tenant_id = @t AND deleted_at IS NULL")
            .With("at", at).With("id", id).With("t", tenantId);
        return await delete.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<TrustedIssuerRecord?> FindAsync(string tenantId, string id, CancellationToken ct) =>
        FirstOrNull(await QueryAsync("tenant_id = @t AND id = @id AND deleted_at IS NULL", c => c.With("t", tenantId).With("id", id), ct));

    public Task<IReadOnlyList<TrustedIssuerRecord>> ListAsync(string tenantId, CancellationToken ct) =>
        QueryAsync("tenant_id = @t AND deleted_at IS NULL", c => c.With("t", tenantId), ct);

    public Task<IReadOnlyList<TrustedIssuerRecord>> ListAllLiveAsync(CancellationToken ct) => QueryAsync("deleted_at IS NULL", _ => { }, ct);

    private async Task<IReadOnlyList<TrustedIssuerRecord>> QueryAsync(string where, Action<DbCommand> bind, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql($"SELECT {Columns} FROM trusted_issuers WHERE {where} ORDER BY id");
        bind(cmd);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<TrustedIssuerRecord>();
        while (await reader.ReadAsync(ct))
            result.Add(new TrustedIssuerRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                JsonSerializer.Deserialize<string[]>(reader.GetString(4)) ?? [], reader.GetString(5), reader.GetString(6)));
        return result;
    }

    private static T? FirstOrNull<T>(IReadOnlyList<T> list) where T : class => list.Count == 0 ? null : list[0];
}
