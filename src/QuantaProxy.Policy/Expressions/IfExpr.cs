using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary><c>if c then a else b</c>: only the chosen branch is evaluated, so the other may hold an error.</summary>
internal sealed class IfExpr(Expr condition, Expr then, Expr otherwise, SourceLocation location)
    : Expr(location, condition, then, otherwise)
{
    public Expr Condition { get; } = condition;
    public Expr Then { get; } = then;
    public Expr Otherwise { get; } = otherwise;

    public override Value? Evaluate(EvaluationContext ctx)
    {
        var c = Condition.Evaluate(ctx);
        if (c is null)
        {
            return null;
        }
        if (c is not BoolValue b)
        {
            return ctx.TypeError("bool", c, Condition.Location);
        }
        return b.Value ? Then.Evaluate(ctx) : Otherwise.Evaluate(ctx);
    }

    public override IEnumerable<Expr> Children => [Condition, Then, Otherwise];
}
