using System.Data.Common;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Caching;
using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.Policies;

/// <summary>What a kill switch stops: every call through an integration, of an agent, or of an API key.</summary>
public static class KillSwitchTargets
{
    public const string Integration = "integration";
    public const string Agent = "agent";
    public const string ApiKey = "api_key";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Integration, Agent, ApiKey };
}

public sealed record KillSwitchRecord(string Id, string TenantId, string TargetType, string TargetId, string Reason, string CreatedBy, string CreatedAt);

public sealed class KillSwitchStore(Database database)
{
    private const string Columns = "id, tenant_id, target_type, target_id, reason, created_by, created_at";

    /// <summary>False when that target already has a kill switch.</summary>
    public async Task<bool> InsertAsync(KillSwitchRecord r, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var insert = connection.Sql($"INSERT INTO kill_switches ({Columns}) VALUES (@id, @t, @type, @target, @reason, @by, @at)")
            .With("id", r.Id).With("t", r.TenantId).With("type", r.TargetType).With("target", r.TargetId).With("reason", r.Reason).With("by", r.CreatedBy).With("at", r.CreatedAt);
        try
        {
            return await insert.ExecuteNonQueryAsync(ct) == 1;
        }
        catch (DbException e) when (e.SqlState is "23505" || e.Message.Contains("UNIQUE", StringComparison.Ordinal))
        {
            return false;
        }
    }

    public async Task<KillSwitchRecord?> DeleteAsync(string tenantId, string id, CancellationToken ct)
    {
        var existing = (await ListAsync(tenantId, ct)).FirstOrDefault(k => k.Id == id);
        if (existing is null) return null;
        await using var connection = await database.OpenAsync(ct);
        await using var delete = connection.Sql("DELETE FROM kill_switches WHERE id = @id AND tenant_id = @t").With("id", id).With("t", tenantId);
        return await delete.ExecuteNonQueryAsync(ct) == 1 ? existing : null;
    }

    public async Task<IReadOnlyList<KillSwitchRecord>> ListAsync(string tenantId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql($"SELECT {Columns} FROM kill_switches WHERE tenant_id = @t ORDER BY id").With("t", tenantId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var result = new List<KillSwitchRecord>();
        while (await reader.ReadAsync(ct))
            result.Add(new KillSwitchRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6)));
        return result;
    }
}

/// <summary>A tenant's kill switches, re-read at most every <see cref="PolicyOptions.CacheTtl"/> (so within a second on every replica).</summary>
public sealed class KillSwitchCache(KillSwitchStore store, IOptions<PolicyOptions> options, TimeProvider time) : IDisposable
{
    private const int MaxTenants = 100_000;
    private readonly MetadataCache<string, IReadOnlyList<KillSwitchRecord>> _entries = new(options.Value.CacheTtl, MaxTenants, time);

    public async Task<IReadOnlyList<KillSwitchRecord>> GetAsync(string tenantId, CancellationToken ct)
    {
        if (_entries.TryGet(tenantId, out var cached)) return cached;
        var switches = await store.ListAsync(tenantId, ct);
        _entries.Set(tenantId, switches);
        return switches;
    }

    public void Invalidate(string tenantId) => _entries.Remove(tenantId);

    public void Dispose() => _entries.Dispose();
}
