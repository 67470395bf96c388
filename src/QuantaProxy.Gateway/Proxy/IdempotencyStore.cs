using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.Proxy;

/// <summary>
/// <c>Idempotency-Key</c> records per tenant. A key is claimed (state <c>pending</c>) before the call goes to Okta, so two
/// concurrent retries cannot both create; once answered, the exact envelope bytes are kept and replayed.
/// </summary>
public sealed class IdempotencyStore(Database database)
{
    public enum ClaimResult { Claimed, InProgress, Replay, Mismatch, QuotaExceeded }

    /// <summary>
    /// Claims <paramref name="key"/> for a new call, or says why not. A record created before <paramref name="expiredBefore"/>
    /// no longer counts (the key is claimed afresh); a tenant whose stored answers reach <paramref name="maxBytes"/> gets no new key.
    /// </summary>
    public async Task<(ClaimResult Result, byte[]? Response)> ClaimAsync(string tenantId, string key, string requestHash, string at, string expiredBefore, long maxBytes, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using (var expired = connection.Sql("DELETE FROM idempotency_records WHERE tenant_id = @t AND idempotency_key = @k AND created_at < @before")
                   .With("t", tenantId).With("k", key).With("before", expiredBefore))
            await expired.ExecuteNonQueryAsync(ct);
        await using (var usage = connection.Sql("SELECT COALESCE(SUM(LENGTH(response_body)), 0) FROM idempotency_records WHERE tenant_id = @t").With("t", tenantId))
        {
            var used = Convert.ToInt64(await usage.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            if (used >= maxBytes && !await ExistsAsync(connection, tenantId, key, ct)) return (ClaimResult.QuotaExceeded, null);
        }
        await using (var insert = connection.Sql("""
                   INSERT INTO idempotency_records (tenant_id, idempotency_key, request_hash, status_code, response_body, created_at, state)
                   VALUES (@t, @k, @h, 0, @empty, @at, 'pending') ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
                   """).With("t", tenantId).With("k", key).With("h", requestHash).With("empty", Array.Empty<byte>()).With("at", at))
        {
            if (await insert.ExecuteNonQueryAsync(ct) == 1) return (ClaimResult.Claimed, null);
        }
        await using var select = connection.Sql("SELECT request_hash, state, response_body FROM idempotency_records WHERE tenant_id = @t AND idempotency_key = @k")
            .With("t", tenantId).With("k", key);
        await using var reader = await select.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return (ClaimResult.InProgress, null);
        if (!string.Equals(reader.GetString(0), requestHash, StringComparison.Ordinal)) return (ClaimResult.Mismatch, null);
        return reader.GetString(1) == "done" ? (ClaimResult.Replay, reader.GetBytes(2)) : (ClaimResult.InProgress, null);
    }

    private static async Task<bool> ExistsAsync(System.Data.Common.DbConnection connection, string tenantId, string key, CancellationToken ct)
    {
        await using var select = connection.Sql("SELECT 1 FROM idempotency_records WHERE tenant_id = @t AND idempotency_key = @k").With("t", tenantId).With("k", key);
        return await select.ExecuteScalarAsync(ct) is not null;
    }

    /// <summary>Deletes records created before <paramref name="expiredBefore"/> (answered or not); returns how many.</summary>
    public async Task<int> SweepAsync(string expiredBefore, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var delete = connection.Sql("DELETE FROM idempotency_records WHERE created_at < @before").With("before", expiredBefore);
        return await delete.ExecuteNonQueryAsync(ct);
    }

    public async Task CompleteAsync(string tenantId, string key, int status, byte[] response, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var update = connection.Sql("UPDATE idempotency_records SET state = 'done', status_code = @s, response_body = @b WHERE tenant_id = @t AND idempotency_key = @k")
            .With("s", status).With("b", response).With("t", tenantId).With("k", key);
        await update.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Releases a claim whose call did not complete, so the key is never left pending and the caller may retry with it.</summary>
    public async Task ReleaseAsync(string tenantId, string key, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var delete = connection.Sql("DELETE FROM idempotency_records WHERE tenant_id = @t AND idempotency_key = @k AND state = 'pending'")
            .With("t", tenantId).With("k", key);
        await delete.ExecuteNonQueryAsync(ct);
    }
}
