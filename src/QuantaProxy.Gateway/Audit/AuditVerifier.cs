using QuantaProxy.Crypto.Audit;

namespace QuantaProxy.Gateway.Audit;

/// <summary>Streams a tenant's stored chain through <see cref="AuditChainVerifier"/>, checking it ends where the head row says.</summary>
public sealed class AuditVerifier(AuditStore store)
{
    public async Task<AuditChainVerification> VerifyAsync(string tenantId, CancellationToken ct)
    {
        var (headSeq, headHash) = await store.GetHeadAsync(tenantId, ct);
        var verifier = new AuditChainVerifier(tenantId);
        await foreach (var row in store.ReadAsync(tenantId, 1, long.MaxValue, ct)) verifier.Add(row);
        return verifier.Complete(headSeq, headHash);
    }
}
