using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary>
/// <c>a &amp;&amp; b &amp;&amp; …</c>, kept flat so long chains do not deepen the tree. Left to right: a false operand
/// ends it (later operands are not evaluated, so their errors do not happen); a non-boolean operand is a type error.
/// </summary>
internal sealed class AndExpr(Expr[] operands, SourceLocation location) : Expr(location, operands)
{
    // An array, not IReadOnlyList: iterating the interface would allocate an enumerator per evaluation.
    private readonly Expr[] _operands = operands;

    public IReadOnlyList<Expr> Operands => _operands;

    public override Value? Evaluate(EvaluationContext ctx)
    {
        foreach (var op in _operands)
        {
            var v = op.Evaluate(ctx);
            if (v is null)
            {
                return null;
            }
            if (v is not BoolValue b)
            {
                return ctx.TypeError("bool", v, op.Location);
            }
            if (!b.Value)
            {
                return BoolValue.False;
            }
        }
        return BoolValue.True;
    }

    public override IEnumerable<Expr> Children => Operands;
}
