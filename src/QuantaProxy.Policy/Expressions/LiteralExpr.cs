using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary>A value written in the policy (also a set or record of literals, folded by the parser).</summary>
internal sealed class LiteralExpr(Value value, SourceLocation location) : Expr(location)
{
    public Value Value { get; } = value;

    public override Value? Evaluate(EvaluationContext ctx) => Value;

    public override IEnumerable<Expr> Children => [];
}
