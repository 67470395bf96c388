using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using QuantaProxy.Crypto.Audit;
using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.Audit;

/// <summary>
/// The per-tenant hash chains. Appends lock each tenant's chain head row inside the same transaction as the batch insert,
/// so any number of processes can append to one chain on PostgreSQL without forks or gaps (SQLite: one writer at a time).
/// </summary>
public sealed class AuditStore(Database database)
{
    private const string EventColumns = "tenant_id, seq, event_id, occurred_at, type, actor, on_behalf_of, integration_id, operation, outcome, " +
                                        "upstream_status, upstream_request_id, request_digest, response_digest, detail, prev_hash, hash";
    private const int ColumnsPerRow = 17;
    private const int RowsPerInsert = 200;
    private static readonly byte[] GenesisHash = new byte[32];

    /// <summary>Appends the events (any tenants) in one transaction; returns the assigned seq per event, in input order.</summary>
    public async Task<long[]> AppendAsync(IReadOnlyList<PendingAuditEvent> batch, CancellationToken ct)
    {
        var seqs = new long[batch.Count];
        var byTenant = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            if (!byTenant.TryGetValue(batch[i].TenantId, out var list)) byTenant[batch[i].TenantId] = list = [];
            list.Add(i);
        }

        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);
        var rows = new List<StoredAuditRow>(batch.Count);
        // Tenants are locked in a fixed (ordinal) order so two processes never wait on each other's heads in a cycle.
        foreach (var (tenantId, indexes) in byTenant)
        {
            var (seq, hash) = await LockHeadAsync(connection, tx, tenantId, ct);
            foreach (var index in indexes)
            {
                seq++;
                var record = batch[index].WithSeq(seq);
                var next = new byte[32];
                AuditChain.ComputeHash(hash, record, next);
                rows.Add(new StoredAuditRow(record, hash, next));
                seqs[index] = seq;
                hash = next;
            }
            await using var head = connection.Sql("UPDATE audit_heads SET seq = @s, hash = @h WHERE tenant_id = @t", tx)
                .With("s", seq).With("h", hash).With("t", tenantId);
            await head.ExecuteNonQueryAsync(ct);
        }
        if (database.IsPostgres)
        {
            // One round trip per 200 rows: on a network database the round trips are the cost.
            for (var offset = 0; offset < rows.Count; offset += RowsPerInsert)
                await InsertRowsAsync(connection, tx, rows, offset, Math.Min(RowsPerInsert, rows.Count - offset), ct);
        }
        else
        {
            // SQLite is in-process: one prepared single-row statement re-executed is cheaper than re-preparing a wide one.
            await InsertRowsPreparedAsync(connection, tx, rows, ct);
        }
        await tx.CommitAsync(ct);
        return seqs;
    }

    private async Task<(long Seq, byte[] Hash)> LockHeadAsync(DbConnection connection, DbTransaction tx, string tenantId, CancellationToken ct)
    {
        await using (var ensure = connection.Sql("INSERT INTO audit_heads (tenant_id, seq, hash) VALUES (@t, 0, @h) ON CONFLICT (tenant_id) DO NOTHING", tx)
                   .With("t", tenantId).With("h", GenesisHash))
            await ensure.ExecuteNonQueryAsync(ct);
        await using var select = connection.Sql($"SELECT seq, hash FROM audit_heads WHERE tenant_id = @t{database.ForUpdate}", tx).With("t", tenantId);
        await using var reader = await select.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("Audit chain head vanished inside its transaction.");
        return (reader.GetInt64(0), reader.GetBytes(1));
    }

    private static async Task InsertRowsPreparedAsync(DbConnection connection, DbTransaction tx, List<StoredAuditRow> rows, CancellationToken ct)
    {
        await using var insert = connection.Sql(
            $"INSERT INTO audit_events ({EventColumns}) VALUES (@t, @s, @e, @o, @ty, @a, @b, @i, @op, @out, @us, @ur, @rq, @rs, @d, @p, @h)", tx);
        string[] names = ["t", "s", "e", "o", "ty", "a", "b", "i", "op", "out", "us", "ur", "rq", "rs", "d", "p", "h"];
        foreach (var name in names) insert.With(name, DBNull.Value);
        await insert.PrepareAsync(ct);
        foreach (var (r, prev, hash) in rows)
        {
            object[] values = [r.TenantId, r.Seq, r.EventId, r.OccurredAt, r.Type, r.Actor, r.OnBehalfOf, r.IntegrationId, r.Operation, r.Outcome,
                r.UpstreamStatus, r.UpstreamRequestId, r.RequestDigest, r.ResponseDigest, r.Detail, prev, hash];
            for (var c = 0; c < values.Length; c++) insert.Parameters[c].Value = values[c];
            await insert.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task InsertRowsAsync(DbConnection connection, DbTransaction tx, List<StoredAuditRow> rows, int offset, int count, CancellationToken ct)
    {
        var sql = new StringBuilder(64 + count * ColumnsPerRow * 8).Append("INSERT INTO audit_events (").Append(EventColumns).Append(") VALUES ");
        await using var insert = connection.Sql("", tx);
        for (var i = 0; i < count; i++)
        {
            var (r, prev, hash) = (rows[offset + i].Record, rows[offset + i].PrevHash, rows[offset + i].Hash);
            if (i > 0) sql.Append(',');
            sql.Append('(');
            object[] values = [r.TenantId, r.Seq, r.EventId, r.OccurredAt, r.Type, r.Actor, r.OnBehalfOf, r.IntegrationId, r.Operation, r.Outcome,
                r.UpstreamStatus, r.UpstreamRequestId, r.RequestDigest, r.ResponseDigest, r.Detail, prev, hash];
            for (var c = 0; c < values.Length; c++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"p{i}_{c}");
                if (c > 0) sql.Append(',');
                sql.Append('@').Append(name);
                insert.With(name, values[c]);
            }
            sql.Append(')');
        }
        insert.CommandText = sql.ToString();
        await insert.ExecuteNonQueryAsync(ct);
    }

    public async Task<(long Seq, byte[] Hash)> GetHeadAsync(string tenantId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var select = connection.Sql("SELECT seq, hash FROM audit_heads WHERE tenant_id = @t").With("t", tenantId);
        await using var reader = await select.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetBytes(1)) : (0, GenesisHash);
    }

    /// <summary>Streams a tenant's stored events in seq order (including rows an attacker may have inserted or reordered).</summary>
    public async IAsyncEnumerable<StoredAuditRow> ReadAsync(string tenantId, long fromSeq, long toSeq, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var select = connection.Sql($"SELECT {EventColumns} FROM audit_events WHERE tenant_id = @t AND seq >= @from AND seq <= @to ORDER BY seq")
            .With("t", tenantId).With("from", fromSeq).With("to", toSeq);
        await using var reader = await select.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) yield return ReadEvent(reader);
    }

    /// <summary>The stored chain hashes of seq &gt; <paramref name="afterSeq"/>, in order (what the Merkle tree is built over).</summary>
    public async Task<List<(long Seq, byte[] Hash)>> ReadHashesAsync(string tenantId, long afterSeq, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var select = connection.Sql("SELECT seq, hash FROM audit_events WHERE tenant_id = @t AND seq > @after ORDER BY seq LIMIT @limit")
            .With("t", tenantId).With("after", afterSeq).With("limit", limit);
        await using var reader = await select.ExecuteReaderAsync(ct);
        var result = new List<(long, byte[])>();
        while (await reader.ReadAsync(ct)) result.Add((reader.GetInt64(0), reader.GetBytes(1)));
        return result;
    }

    /// <summary>
    /// One page of a tenant's events strictly between seq <paramref name="afterSeq"/> and <paramref name="beforeSeq"/> that
    /// match <paramref name="filter"/>, oldest or newest first. Only the filter's set fields become clauses, each a parameter.
    /// </summary>
    public async Task<IReadOnlyList<StoredAuditRow>> ListAsync(string tenantId, AuditEventFilter filter, long afterSeq, long beforeSeq, bool newestFirst, int limit,
        CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var sql = new StringBuilder($"SELECT {EventColumns} FROM audit_events WHERE tenant_id = @t AND seq > @after AND seq < @before");
        await using var select = connection.Sql("").With("t", tenantId).With("after", afterSeq).With("before", beforeSeq).With("limit", limit);
        void Equal(string? value, string column)
        {
            if (value is null) return;
            sql.Append(" AND ").Append(column).Append(" = @").Append(column);
            select.With(column, value);
        }
        Equal(filter.IntegrationId, "integration_id");
        Equal(filter.Operation, "operation");
        Equal(filter.Actor, "actor");
        Equal(filter.OnBehalfOf, "on_behalf_of");
        Equal(filter.Outcome, "outcome");
        Equal(filter.Type, "type");
        // The bounds are in the stored format, whose byte order is time order; PostgreSQL is told to compare bytes, since a
        // database's default collation may order text otherwise.
        var occurredAt = database.IsPostgres ? "occurred_at COLLATE \"C\"" : "occurred_at";
        if (filter.From is not null)
        {
            sql.Append(" AND ").Append(occurredAt).Append(" >= @from");
            select.With("from", filter.From);
        }
        if (filter.To is not null)
        {
            sql.Append(" AND ").Append(occurredAt).Append(" < @to");
            select.With("to", filter.To);
        }
        sql.Append(newestFirst ? " ORDER BY seq DESC LIMIT @limit" : " ORDER BY seq LIMIT @limit");
        select.CommandText = sql.ToString();
        await using var reader = await select.ExecuteReaderAsync(ct);
        var result = new List<StoredAuditRow>();
        while (await reader.ReadAsync(ct)) result.Add(ReadEvent(reader));
        return result;
    }

    public async Task<StoredAuditRow?> FindAsync(string tenantId, string eventId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var select = connection.Sql($"SELECT {EventColumns} FROM audit_events WHERE tenant_id = @t AND event_id = @e").With("t", tenantId).With("e", eventId);
        await using var reader = await select.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadEvent(reader) : null;
    }

    private static StoredAuditRow ReadEvent(DbDataReader r) => new(
        new AuditEventRecord(r.GetString(2), r.GetString(0), r.GetInt64(1), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
            r.GetString(7), r.GetString(8), r.GetString(9), r.GetString(10), r.GetString(11), r.GetString(12), r.GetString(13), r.GetString(14)),
        r.GetBytes(15), r.GetBytes(16));

    public async Task InsertCheckpointAsync(string tenantId, long treeSize, byte[] rootHash, string signedText, string createdAt, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var insert = connection.Sql("INSERT INTO audit_checkpoints (tenant_id, tree_size, root_hash, signed_text, created_at) VALUES (@t, @n, @r, @s, @c) ON CONFLICT (tenant_id, tree_size) DO NOTHING")
            .With("t", tenantId).With("n", treeSize).With("r", rootHash).With("s", signedText).With("c", createdAt);
        await insert.ExecuteNonQueryAsync(ct);
    }

    public async Task<(long TreeSize, byte[] RootHash, string SignedText, string CreatedAt)?> LatestCheckpointAsync(string tenantId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var select = connection.Sql("SELECT tree_size, root_hash, signed_text, created_at FROM audit_checkpoints WHERE tenant_id = @t ORDER BY tree_size DESC LIMIT 1").With("t", tenantId);
        await using var reader = await select.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetBytes(1), reader.GetString(2), reader.GetString(3)) : null;
    }

    /// <summary>One page of a tenant's checkpoints, oldest first, after tree size <paramref name="afterSize"/>.</summary>
    public async Task<IReadOnlyList<(long TreeSize, string SignedText)>> ListCheckpointsAsync(string tenantId, long afterSize, int limit, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var select = connection.Sql("SELECT tree_size, signed_text FROM audit_checkpoints WHERE tenant_id = @t AND tree_size > @a ORDER BY tree_size LIMIT @l")
            .With("t", tenantId).With("a", afterSize).With("l", limit);
        await using var reader = await select.ExecuteReaderAsync(ct);
        var result = new List<(long, string)>();
        while (await reader.ReadAsync(ct)) result.Add((reader.GetInt64(0), reader.GetString(1)));
        return result;
    }
}
