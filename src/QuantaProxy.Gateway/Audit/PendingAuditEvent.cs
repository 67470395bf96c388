using QuantaProxy.Crypto.Audit;

namespace QuantaProxy.Gateway.Audit;

/// <summary>
/// An event waiting for its place in the chain: everything of FORMATS.md §3 except <c>seq</c>, which the appender assigns
/// under the chain-head lock. Absent values are empty strings, as the canonical form requires.
/// </summary>
public sealed record PendingAuditEvent
{
    public required string EventId { get; init; }
    public required string TenantId { get; init; }
    public required string OccurredAt { get; init; }
    public required string Type { get; init; }
    public string Actor { get; init; } = "";
    public string OnBehalfOf { get; init; } = "";
    public string IntegrationId { get; init; } = "";
    public string Operation { get; init; } = "";
    public string Outcome { get; init; } = "";
    public string UpstreamStatus { get; init; } = "";
    public string UpstreamRequestId { get; init; } = "";
    public string RequestDigest { get; init; } = "";
    public string ResponseDigest { get; init; } = "";
    public string Detail { get; init; } = "";

    public AuditEventRecord WithSeq(long seq) => new(
        EventId, TenantId, seq, OccurredAt, Type, Actor, OnBehalfOf, IntegrationId, Operation, Outcome,
        UpstreamStatus, UpstreamRequestId, RequestDigest, ResponseDigest, Detail);
}
