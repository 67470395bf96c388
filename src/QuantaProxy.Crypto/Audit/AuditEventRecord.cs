namespace QuantaProxy.Crypto.Audit;

/// <summary>One audit event's fields, in the order of FORMATS.md §3. Absent values are empty strings.</summary>
public sealed record AuditEventRecord(
    string EventId,
    string TenantId,
    long Seq,
    string OccurredAt,
    string Type,
    string Actor,
    string OnBehalfOf,
    string IntegrationId,
    string Operation,
    string Outcome,
    string UpstreamStatus,
    string UpstreamRequestId,
    string RequestDigest,
    string ResponseDigest,
    string Detail);
