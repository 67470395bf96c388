namespace QuantaProxy.Gateway.Audit;

/// <summary>The event could not be stored durably: the request fails closed with 503 and no data.</summary>
public sealed class AuditUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
