using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary>
/// A node of a policy condition. <see cref="Depth"/> is the node's height, which the parser bounds so that the
/// recursive evaluation of any accepted policy fits on the stack.
/// </summary>
internal abstract class Expr
{
    protected Expr(SourceLocation location, params ReadOnlySpan<Expr> children)
    {
        Location = location;
        var depth = 0;
        foreach (var c in children)
        {
            depth = Math.Max(depth, c.Depth);
        }
        Depth = depth + 1;
    }

    public SourceLocation Location { get; }

    public int Depth { get; }

    /// <summary>The value, or null with <see cref="EvaluationContext.Error"/> set.</summary>
    public abstract Value? Evaluate(EvaluationContext ctx);

    public abstract IEnumerable<Expr> Children { get; }
}
