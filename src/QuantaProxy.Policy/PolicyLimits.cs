namespace QuantaProxy.Policy;

/// <summary>
/// Bounds enforced while parsing, so that every accepted policy set evaluates in bounded time and stack: the text
/// length bounds the number of nodes (each evaluated at most once per policy), and the nesting depth bounds recursion.
/// </summary>
public sealed record PolicyLimits
{
    /// <summary>The deepest nesting the evaluator's recursion is allowed to reach, whatever is configured.</summary>
    public const int HardMaxNestingDepth = 256;

    public static readonly PolicyLimits Default = new();

    /// <summary>Longest policy-set text, in characters.</summary>
    public int MaxTextLength { get; init; } = 1 << 20;

    public int MaxPolicies { get; init; } = 10_000;

    /// <summary>Deepest expression tree (parentheses, operators, attribute chains all count).</summary>
    public int MaxNestingDepth { get; init; } = 64;

    internal void Validate()
    {
        if (MaxTextLength <= 0 || MaxPolicies <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTextLength), "Policy limits must be positive.");
        }
        if (MaxNestingDepth is <= 0 or > HardMaxNestingDepth)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxNestingDepth), $"MaxNestingDepth must be between 1 and {HardMaxNestingDepth}.");
        }
    }
}
