namespace QuantaProxy.Client.Http;

/// <summary>The gateway answered with a problem (RFC 9457). <see cref="Code"/> is stable; branch on it.</summary>
public sealed class QuantaProxyApiException(int status, string code, string detail, string? field, string? requestId, TimeSpan? retryAfter)
    : Exception($"{status} {code}: {detail}")
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public string Detail { get; } = detail;
    public string? Field { get; } = field;
    public string? RequestId { get; } = requestId;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
