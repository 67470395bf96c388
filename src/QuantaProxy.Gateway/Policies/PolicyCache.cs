using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Caching;

namespace QuantaProxy.Gateway.Policies;

/// <summary>
/// Each tenant's active policy set, parsed once per version. A replica re-reads the active version number (one indexed
/// query) at most every <see cref="PolicyOptions.CacheTtl"/> and re-parses only when it changed, so an upload holds on
/// every replica within that time; the replica that took the upload sees it at once (<see cref="Invalidate"/>).
/// </summary>
public sealed class PolicyCache(PolicyStore store, IOptions<PolicyOptions> options, TimeProvider time) : IDisposable
{
    private const int MaxTenants = 100_000;
    // A parsed set outlives its version check so that an unchanged version is not parsed again; a tenant idle for longer
    // than this pays one parse on its next call.
    private static readonly TimeSpan ParsedLifetime = TimeSpan.FromHours(1);
    private sealed record Entry(long Version, ActivePolicySet? Set, Exception? Fault);
    private readonly MetadataCache<string, Entry> _checked = new(options.Value.CacheTtl, MaxTenants, time);
    private readonly MetadataCache<string, Entry> _parsed = new(ParsedLifetime, MaxTenants, time);

    /// <summary>The active set, or null when the tenant has none (or its active version holds no policy).</summary>
    /// <exception cref="Errors.ApiException">The stored active version no longer compiles; callers fail closed.</exception>
    public async Task<ActivePolicySet?> GetAsync(string tenantId, CancellationToken ct)
    {
        if (_checked.TryGet(tenantId, out var entry)) return Result(entry);
        var version = await store.ActiveVersionAsync(tenantId, ct);
        if (!_parsed.TryGet(tenantId, out entry) || entry.Version != version)
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
            entry = new Entry(version, set, fault);
        }
        _parsed.Set(tenantId, entry);
        _checked.Set(tenantId, entry);
        return Result(entry);
    }

    public void Invalidate(string tenantId)
    {
        _checked.Remove(tenantId);
        _parsed.Remove(tenantId);
    }

    public void Dispose()
    {
        _checked.Dispose();
        _parsed.Dispose();
    }

    private static ActivePolicySet? Result(Entry entry) =>
        entry.Fault is not null ? throw new Errors.ApiException(403, PolicyProblemCodes.PolicyError, "The tenant's active policy set no longer passes the schema check; every call is refused until a new one is uploaded.") : entry.Set;
}
