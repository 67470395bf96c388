namespace QuantaProxy.Gateway.Errors;

/// <summary>
/// A refusal the gateway answers as RFC 9457 problem+json. The message is shown to the caller, so it never carries a
/// secret, a payload or another tenant's data.
/// </summary>
public sealed class ApiException(int status, string code, string message, string? field = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    /// <summary>The offending field as a JSON path without the leading <c>$.</c> (e.g. <c>secret.token</c>); <c>$</c> is the whole body.</summary>
    public string? Field { get; } = field is not null && field.StartsWith("$.", StringComparison.Ordinal) ? field[2..] : field;
    public TimeSpan? RetryAfter { get; init; }
    /// <summary>Where in a submitted text the fault is (1-based), written as the problem's <c>line</c> and <c>column</c>.</summary>
    public (int Line, int Column)? Position { get; init; }

    public static ApiException NotFound(string what) => new(StatusCodes.Status404NotFound, ProblemCodes.NotFound, $"{what} not found.");
    public static ApiException BadRequest(string message, string? field = null) => new(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequest, message, field);
}
