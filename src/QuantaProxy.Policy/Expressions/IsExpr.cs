using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary>
/// <c>e is T</c> and <c>e is T in x</c>. The <c>in</c> part is Cedar's <c>e is T &amp;&amp; e in x</c>, so x is only
/// evaluated when the type matched.
/// </summary>
internal sealed class IsExpr : Expr
{
    public IsExpr(Expr operand, string entityType, Expr? inTarget, SourceLocation location)
        : base(location, inTarget is null ? [operand] : [operand, inTarget])
    {
        Operand = operand;
        EntityType = entityType;
        InTarget = inTarget;
    }

    public Expr Operand { get; }
    public string EntityType { get; }
    public Expr? InTarget { get; }

    public override Value? Evaluate(EvaluationContext ctx)
    {
        var v = Operand.Evaluate(ctx);
        if (v is null)
        {
            return null;
        }
        if (v is not EntityUid uid)
        {
            return ctx.TypeError("entity", v, Operand.Location);
        }
        if (!string.Equals(uid.Type, EntityType, StringComparison.Ordinal))
        {
            return BoolValue.False;
        }
        if (InTarget is null)
        {
            return BoolValue.True;
        }
        var target = InTarget.Evaluate(ctx);
        return target is null ? null : InExpr.Membership(ctx, uid, target, InTarget.Location);
    }

    public override IEnumerable<Expr> Children => InTarget is null ? [Operand] : [Operand, InTarget];
}
