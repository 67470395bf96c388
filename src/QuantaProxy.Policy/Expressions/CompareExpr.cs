using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

internal enum CompareOperator
{
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
}

/// <summary>
/// <c>&lt; &lt;= &gt; &gt;=</c> on Longs. Cedar also overloads them for datetime and duration, which this
/// implementation does not have; decimals are compared with <c>.lessThan()</c> and friends, here as in Cedar.
/// </summary>
internal sealed class CompareExpr(CompareOperator op, Expr left, Expr right, SourceLocation location) : Expr(location, left, right)
{
    public CompareOperator Operator { get; } = op;
    public Expr Left { get; } = left;
    public Expr Right { get; } = right;

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
        if (a is not LongValue x)
        {
            return ctx.TypeError("long", a, Left.Location);
        }
        if (b is not LongValue y)
        {
            return ctx.TypeError("long", b, Right.Location);
        }
        return Value.From(Operator switch
        {
            CompareOperator.Less => x.Value < y.Value,
            CompareOperator.LessEqual => x.Value <= y.Value,
            CompareOperator.Greater => x.Value > y.Value,
            _ => x.Value >= y.Value,
        });
    }

    public override IEnumerable<Expr> Children => [Left, Right];
}
