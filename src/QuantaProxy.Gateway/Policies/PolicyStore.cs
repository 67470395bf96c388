using System.Data.Common;
using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.Policies;

/// <summary>Versioned policy sets (the highest version of a tenant is the active one) and per-principal daily call counts.</summary>
public sealed class PolicyStore(Database database)
{
    private const string Columns = "tenant_id, version, policy_text, sha256, policy_count, created_by, created_at";

    /// <summary>Stores the next version, or null when another upload took that version at the same moment.</summary>
    public async Task<long?> InsertNextAsync(string tenantId, string text, string sha256, long policyCount, string createdBy, string createdAt, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var insert = connection.Sql($"""
            INSERT INTO policy_sets ({Columns})
            SELECT @t, COALESCE(MAX(version), 0) + 1, @text, @sha, @count, @by, @at FROM policy_sets WHERE tenant_id = @t
            RETURNING version
            """)
            .With("t", tenantId).With("text", text).With("sha", sha256).With("count", policyCount).With("by", createdBy).With("at", createdAt);
        try
        {
            return Convert.ToInt64(await insert.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (DbException e) when (e.SqlState is "23505" || e.Message.Contains("UNIQUE", StringComparison.Ordinal))
        {
            return null;
        }
    }

    /// <summary>The active (highest) version's number only: what a replica compares against its cached copy.</summary>
    public async Task<long> ActiveVersionAsync(string tenantId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql("SELECT COALESCE(MAX(version), 0) FROM policy_sets WHERE tenant_id = @t").With("t", tenantId);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<PolicySetRecord?> FindAsync(string tenantId, long version, CancellationToken ct)
    {
        var list = await QueryAsync(Columns, "tenant_id = @t AND version = @v", c => c.With("t", tenantId).With("v", version), ct);
        return list.Count == 0 ? null : list[0];
    }

    /// <summary>Every version, newest first, without the text.</summary>
    public Task<IReadOnlyList<PolicySetRecord>> ListAsync(string tenantId, CancellationToken ct) =>
        QueryAsync("tenant_id, version, '' AS policy_text, sha256, policy_count, created_by, created_at", "tenant_id = @t", c => c.With("t", tenantId), ct);

    /// <summary>Adds <paramref name="calls"/> calls of <paramref name="principal"/> on <paramref name="day"/>; returns the day's total after them.</summary>
    public async Task<long> AddCallsAsync(string tenantId, string principal, string day, long calls, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql("""
            INSERT INTO policy_call_counts (tenant_id, principal, day, calls) VALUES (@t, @p, @d, @n)
            ON CONFLICT (tenant_id, principal, day) DO UPDATE SET calls = policy_call_counts.calls + @n
            RETURNING calls
            """).With("t", tenantId).With("p", principal).With("d", day).With("n", calls);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>How many calls <paramref name="principal"/> made on <paramref name="day"/> (for a dry run, which counts none).</summary>
    public async Task<long> CallsAsync(string tenantId, string principal, string day, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql("SELECT COALESCE(MAX(calls), 0) FROM policy_call_counts WHERE tenant_id = @t AND principal = @p AND day = @d")
            .With("t", tenantId).With("p", principal).With("d", day);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task<IReadOnlyList<PolicySetRecord>> QueryAsync(string columns, string where, Action<DbCommand> bind, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql($"SELECT {columns} FROM policy_sets WHERE {where} ORDER BY version DESC");
        bind(cmd);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<PolicySetRecord>();
        while (await reader.ReadAsync(ct))
            result.Add(new PolicySetRecord(reader.GetString(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5), reader.GetString(6)));
        return result;
    }
}
