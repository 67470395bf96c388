using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Policies;

/// <summary>
/// Each tenant's active policy set, parsed once per version. A replica re-reads the active version number (one indexed
/// query) at most every <see cref="PolicyOptions.CacheTtl"/> and re-parses only when it changed, so an upload holds on
/// every replica within that time; the replica that took the upload sees it at once (<see cref="Invalidate"/>).
/// </summary>
public sealed class PolicyCache(PolicyStore store, IOptions<PolicyOptions> options, TimeProvider time)
{
    private const int MaxTenants = 100_000;
    private sealed record Entry(long Version, ActivePolicySet? Set, Exception? Fault, DateTimeOffset CheckedAt);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The active set, or null when the tenant has none (or its active version holds no policy).</summary>
    /// <exception cref="Errors.ApiException">The stored active version no longer compiles; callers fail closed.</exception>
    public async Task<ActivePolicySet?> GetAsync(string tenantId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(tenantId, out var entry) && now - entry.CheckedAt < options.Value.CacheTtl) return Result(entry);
        var version = await store.ActiveVersionAsync(tenantId, ct);
        if (entry is null || entry.Version != version)
        {
            ActivePolicySet? set = null;
            Exception? fault = null;
            if (version > 0 && await store.FindAsync(tenantId, version, ct) is { } record && record.PolicyCount > 0)
            {
                try
                {
                    set = ActivePolicySet.FromRecord(record, options.Value);
                }
                catch (Errors.ApiException e)
                {
                    fault = e;
                }
            }
            entry = new Entry(version, set, fault, now);
        }
        else
        {
            entry = entry with { CheckedAt = now };
        }
        if (_entries.Count >= MaxTenants) _entries.Clear();
        _entries[tenantId] = entry;
        return Result(entry);
    }

    public void Invalidate(string tenantId) => _entries.TryRemove(tenantId, out _);

    private static ActivePolicySet? Result(Entry entry) =>
        entry.Fault is not null ? throw new Errors.ApiException(403, PolicyProblemCodes.PolicyError, "The tenant's active policy set no longer passes the schema check; every call is refused until a new one is uploaded.") : entry.Set;
}
