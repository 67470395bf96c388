using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

internal sealed class IsEmptyExpr(Expr receiver, SourceLocation location) : Expr(location, receiver)
{
    public Expr Receiver { get; } = receiver;

    public override Value? Evaluate(EvaluationContext ctx)
    {
        var v = Receiver.Evaluate(ctx);
        return v switch
        {
            null => null,
            SetValue s => Value.From(s.Count == 0),
            _ => ctx.TypeError("set", v, Receiver.Location),
        };
    }

    public override IEnumerable<Expr> Children => [Receiver];
}
