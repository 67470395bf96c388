using QuantaProxy.Policy.Parsing;

namespace QuantaProxy.Policy.Schema;

/// <summary>A reference in a policy that the schema does not know, with its position in the policy text.</summary>
public sealed record SchemaViolation(string PolicyId, SourceLocation Location, string Message)
{
    public override string ToString() => $"{Location.Line}:{Location.Column}: {PolicyId}: {Message}";
}
