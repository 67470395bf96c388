using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary>A set literal with at least one non-literal element (all-literal sets are folded into a <see cref="LiteralExpr"/>).</summary>
internal sealed class SetExpr(Expr[] elements, SourceLocation location) : Expr(location, elements)
{
    public IReadOnlyList<Expr> Elements { get; } = elements;

    public override Value? Evaluate(EvaluationContext ctx)
    {
        var values = new Value[Elements.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var v = Elements[i].Evaluate(ctx);
            if (v is null)
            {
                return null;
            }
            values[i] = v;
        }
        return new SetValue(values);
    }

    public override IEnumerable<Expr> Children => Elements;
}
