using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

internal sealed class NotExpr(Expr operand, SourceLocation location) : Expr(location, operand)
{
    public Expr Operand { get; } = operand;

    public override Value? Evaluate(EvaluationContext ctx)
    {
        var v = Operand.Evaluate(ctx);
        if (v is null)
        {
            return null;
        }
        return v is BoolValue b ? Value.From(!b.Value) : ctx.TypeError("bool", v, Location);
    }

    public override IEnumerable<Expr> Children => [Operand];
}
