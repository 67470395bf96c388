using QuantaProxy.Gateway.Caching;

namespace QuantaProxy.Gateway.Tenants;

/// <summary>
/// Answers "does this tenant exist?" for ids the admin key names in a query or body. Tenants are never deleted, so a
/// tenant once seen is remembered for an hour (per replica; a miss asks the store, which sees tenants other replicas created).
/// </summary>
public sealed class TenantDirectory(TenantStore store, TimeProvider time) : IDisposable
{
    // Tenants are never deleted, so the lifetime only bounds how long an unused id occupies a slot; the count bound
    // keeps ids named by the admin key from growing memory without limit.
    private static readonly TimeSpan KnownLifetime = TimeSpan.FromHours(1);
    private const int MaxTenants = 100_000;
    private readonly MetadataCache<string, bool> _known = new(KnownLifetime, MaxTenants, time);

    public async ValueTask<bool> ExistsAsync(string tenantId, CancellationToken ct)
    {
        if (_known.TryGet(tenantId, out _)) return true;
        if (await store.FindAsync(tenantId, ct) is null) return false;
        _known.Set(tenantId, true);
        return true;
    }

    public void Dispose() => _known.Dispose();
}
