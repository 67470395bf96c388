using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary><c>s like "pat"</c>: the pattern is parsed once; matching is linear-time greedy, never exponential.</summary>
internal sealed class LikeExpr(Expr operand, LikePattern pattern, SourceLocation location) : Expr(location, operand)
{
    public Expr Operand { get; } = operand;
    public LikePattern Pattern { get; } = pattern;

    public override Value? Evaluate(EvaluationContext ctx)
    {
        var v = Operand.Evaluate(ctx);
        return v switch
        {
            null => null,
            StringValue s => Value.From(Pattern.IsMatch(s.Value)),
            _ => ctx.TypeError("string", v, Operand.Location),
        };
    }

    public override IEnumerable<Expr> Children => [Operand];
}
