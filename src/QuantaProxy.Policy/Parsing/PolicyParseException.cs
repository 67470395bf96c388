namespace QuantaProxy.Policy.Parsing;

/// <summary>Policy text that is not valid Cedar, or is over the configured limits; names the line and column.</summary>
public sealed class PolicyParseException : Exception
{
    public PolicyParseException(string message, SourceLocation location)
        : base($"{location.Line}:{location.Column}: {message}")
    {
        Reason = message;
        Location = location;
    }

    public PolicyParseException()
    {
        Reason = "";
    }

    public PolicyParseException(string message) : base(message)
    {
        Reason = message;
    }

    public PolicyParseException(string message, Exception innerException) : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>The message without the position.</summary>
    public string Reason { get; }

    public SourceLocation Location { get; }

    public int Line => Location.Line;

    public int Column => Location.Column;
}
