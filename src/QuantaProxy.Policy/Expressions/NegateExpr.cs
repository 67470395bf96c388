using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary>Unary minus; negating the smallest Long overflows and is an error, as in Cedar.</summary>
internal sealed class NegateExpr(Expr operand, SourceLocation location) : Expr(location, operand)
{
    public Expr Operand { get; } = operand;

    public override Value? Evaluate(EvaluationContext ctx)
    {
        var v = Operand.Evaluate(ctx);
        if (v is null)
        {
            return null;
        }
        if (v is not LongValue l)
        {
            return ctx.TypeError("long", v, Location);
        }
        return l.Value == long.MinValue
            ? ctx.Fail($"integer overflow while attempting to negate the value `{l.Value}`", Location)
            : new LongValue(-l.Value);
    }

    public override IEnumerable<Expr> Children => [Operand];
}
