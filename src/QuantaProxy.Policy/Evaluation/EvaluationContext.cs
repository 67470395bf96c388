using QuantaProxy.Policy.Entities;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Evaluation;

/// <summary>
/// What one policy is evaluated against, and the error of that evaluation. Errors are returned as a null value with
/// <see cref="Error"/> set rather than thrown: a policy set whose policies error on every request must not cost an
/// exception per policy.
/// </summary>
internal sealed class EvaluationContext(Request request, EntityStore entities)
{
    public Request Request { get; } = request;

    public EntityStore Entities { get; } = entities;

    public string? Error { get; private set; }

    public SourceLocation ErrorLocation { get; private set; }

    public void Reset() => Error = null;

    public Value? Fail(string message, SourceLocation location)
    {
        Error = message;
        ErrorLocation = location;
        return null;
    }

    public Value? TypeError(string expected, Value actual, SourceLocation location) =>
        Fail($"type error: expected {expected}, got {actual.TypeName}", location);
}
