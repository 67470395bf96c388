using Microsoft.Extensions.Options;
using QuantaProxy.Crypto.Audit;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Tenants;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Audit;

/// <summary>
/// Signs checkpoints of a tenant's tree with its ML-DSA-65 checkpoint key, never two that disagree: before signing size n
/// it checks that the tree's root at the last signed size is still the root that was signed (the consistency the tenant
/// will check), and refuses otherwise — a rewritten store is reported, not blessed.
/// </summary>
public sealed class CheckpointService(AuditStore store, AuditTreeCache trees, TenantKeyRing keyRing, IOptions<AuditOptions> options, TimeProvider time, ILogger<CheckpointService> logger) : IDisposable
{
    // Striped per tenant: one tenant's signing never waits for another's, and the memory stays fixed however many tenants.
    private readonly SemaphoreSlim[] _signing = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public void Dispose()
    {
        foreach (var s in _signing) s.Dispose();
    }

    private SemaphoreSlim LockFor(string tenantId) => _signing[(int)((uint)StringComparer.Ordinal.GetHashCode(tenantId) % (uint)_signing.Length)];

    public string NameFor(string tenantId) => $"{options.Value.Origin}/audit/{tenantId}";

    public sealed record SignedCheckpoint(long TreeSize, byte[] RootHash, string Text);

    /// <summary>
    /// The latest checkpoint, signing a new one first when the chain has grown since — unless <paramref name="reuse"/>
    /// and the latest is recent enough (<see cref="AuditOptions.CheckpointReuseMaxAge"/>, <see cref="AuditOptions.CheckpointReuseMaxGrowth"/>).
    /// </summary>
    public async Task<SignedCheckpoint?> GetOrSignAsync(string tenantId, CancellationToken ct, bool reuse = false)
    {
        var gate = LockFor(tenantId);
        await gate.WaitAsync(ct);
        try
        {
            var latest = await store.LatestCheckpointAsync(tenantId, ct);
            var (size, root, oldRootNow) = await trees.UseAsync(tenantId, tree =>
                (tree.Size, tree.RootHash(tree.Size), latest is { } l && l.TreeSize <= tree.Size ? tree.RootHash(l.TreeSize) : null), ct);
            if (latest is { } last)
            {
                if (oldRootNow is null || !oldRootNow.AsSpan().SequenceEqual(last.RootHash))
                {
                    trees.Forget(tenantId);
                    logger.LogCritical("Audit chain of {TenantId} no longer matches its checkpoint at size {Size}; refusing to sign", tenantId, last.TreeSize);
                    throw new ApiException(409, "audit_inconsistent", "The stored audit chain is inconsistent with the last signed checkpoint; run /api/v2/audit/verify.");
                }
                if (last.TreeSize == size) return new SignedCheckpoint(last.TreeSize, last.RootHash, last.SignedText);
                if (reuse && size - last.TreeSize < options.Value.CheckpointReuseMaxGrowth
                          && time.GetUtcNow() - DateTimeOffset.Parse(last.CreatedAt, System.Globalization.CultureInfo.InvariantCulture) < options.Value.CheckpointReuseMaxAge)
                    return new SignedCheckpoint(last.TreeSize, last.RootHash, last.SignedText);
            }
            if (size == 0) return null;
            var keys = await keyRing.GetKeysAsync(tenantId, ct);
            var name = NameFor(tenantId);
            var text = await keyRing.UseSigningKeyAsync(keys.Active(TenantKeyPurpose.AuditCheckpoint), key => new Checkpoint(name, size, root).Sign(key, name), ct);
            await store.InsertCheckpointAsync(tenantId, size, root, text, Timestamps.Format(time.GetUtcNow()), ct);
            // Another replica may have signed this size first; the stored one is the one that counts.
            var stored = await store.LatestCheckpointAsync(tenantId, ct);
            return stored is { } s ? new SignedCheckpoint(s.TreeSize, s.RootHash, s.SignedText) : null;
        }
        finally
        {
            gate.Release();
        }
    }
}
