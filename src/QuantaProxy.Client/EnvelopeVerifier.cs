using QuantaProxy.Crypto.Envelopes;

namespace QuantaProxy.Client;

/// <summary>
/// What a caller does with every answer: verify both signatures and open the envelope with the tenant's key bundle
/// (<see cref="EnvelopeOpener"/>), then check that it answers <em>this</em> request (<c>request_id</c> equals the
/// <c>X-Request-Id</c> sent) and that it is fresh (<c>issued_at</c> within <see cref="MaxAge"/>, allowing for clock skew).
/// Every refusal is an <see cref="EnvelopeRejectedException"/> whose <see cref="EnvelopeRejectedException.Reason"/> says why.
/// </summary>
public sealed class EnvelopeVerifier(TenantKeyBundle bundle, TimeProvider? time = null)
{
    private readonly EnvelopeOpener _opener = new(bundle);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>How old an envelope may be. Default five minutes.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How far in the future <c>issued_at</c> may be (clock skew). Default one minute.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(1);

    /// <param name="envelope">The envelope JSON as received.</param>
    /// <param name="expectedRequestId">The request id the caller sent; null skips that check (offline opening).</param>
    public OpenedEnvelope Open(ReadOnlySpan<byte> envelope, string? expectedRequestId)
    {
        var opened = _opener.Open(envelope);
        if (expectedRequestId is not null && !string.Equals(opened.RequestId, expectedRequestId, StringComparison.Ordinal))
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(opened.Plaintext);
            throw new EnvelopeRejectedException(EnvelopeRejectionReason.RequestIdMismatch, "the envelope answers another request");
        }
        var now = _time.GetUtcNow();
        if (opened.IssuedAt < now - MaxAge || opened.IssuedAt > now + MaxClockSkew)
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(opened.Plaintext);
            throw new EnvelopeRejectedException(EnvelopeRejectionReason.Stale, "the envelope's issued_at is outside the accepted window");
        }
        return opened;
    }
}
