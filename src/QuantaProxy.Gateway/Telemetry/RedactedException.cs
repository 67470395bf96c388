namespace QuantaProxy.Gateway.Telemetry;

/// <summary>
/// Stands in for an exception on its way to a log: its message and its full text (type, message, inner exceptions,
/// stack) with the redaction rules applied, since an exception message can quote a header, a URL or a payload.
/// </summary>
public sealed class RedactedException : Exception
{
    private readonly string _text;

    public RedactedException(Exception original)
        : base(LogRedaction.Redact(original?.Message))
    {
        ArgumentNullException.ThrowIfNull(original);
        OriginalType = original.GetType().FullName ?? original.GetType().Name;
        _text = LogRedaction.Redact(original.ToString());
        HResult = original.HResult;
    }

    public RedactedException()
        : this(new InvalidOperationException())
    {
    }

    public RedactedException(string message)
        : this(new InvalidOperationException(message))
    {
    }

    public RedactedException(string message, Exception innerException)
        : this(new InvalidOperationException(message, innerException))
    {
    }

    /// <summary>The type name of the exception this one stands in for.</summary>
    public string OriginalType { get; } = "";

    public override string? StackTrace => null;

    public override string ToString() => _text;
}
