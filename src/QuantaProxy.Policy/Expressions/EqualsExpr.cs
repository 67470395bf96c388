using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary><c>==</c> (and, negated, <c>!=</c>): structural equality, never a type error.</summary>
internal sealed class EqualsExpr(Expr left, Expr right, bool negated, SourceLocation location) : Expr(location, left, right)
{
    public Expr Left { get; } = left;
    public Expr Right { get; } = right;
    public bool Negated { get; } = negated;

    public override Value? Evaluate(EvaluationContext ctx)
    {
        var a = Left.Evaluate(ctx);
        if (a is null)
        {
            return null;
        }
        var b = Right.Evaluate(ctx);
        if (b is null)
        {
            return null;
        }
        return Value.From(a.Equals(b) != Negated);
    }

    public override IEnumerable<Expr> Children => [Left, Right];
}
