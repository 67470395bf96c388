using System.Collections.Concurrent;

namespace QuantaProxy.Gateway.Tenants;

/// <summary>
/// Answers "does this tenant exist?" for ids the admin key names in a query or body. Tenants are never deleted, so a
/// tenant once seen is remembered (per replica; a miss asks the store, which sees tenants other replicas created).
/// </summary>
public sealed class TenantDirectory(TenantStore store)
{
    private readonly ConcurrentDictionary<string, byte> _known = new(StringComparer.Ordinal);

    public async ValueTask<bool> ExistsAsync(string tenantId, CancellationToken ct)
    {
        if (_known.ContainsKey(tenantId)) return true;
        if (await store.FindAsync(tenantId, ct) is null) return false;
        _known.TryAdd(tenantId, 0);
        return true;
    }
}
