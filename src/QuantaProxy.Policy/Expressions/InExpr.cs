using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary>
/// Hierarchy membership <c>e in x</c>: x an entity, or a set of entities (every element must be an entity, even when
/// an earlier one already matched, as in Cedar). An entity is <c>in</c> itself.
/// </summary>
internal sealed class InExpr(Expr left, Expr right, SourceLocation location) : Expr(location, left, right)
{
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
        if (a is not EntityUid child)
        {
            return ctx.TypeError("entity", a, Left.Location);
        }
        return Membership(ctx, child, b, Right.Location);
    }

    internal static Value? Membership(EvaluationContext ctx, EntityUid child, Value target, SourceLocation targetLocation)
    {
        switch (target)
        {
            case EntityUid ancestor:
                return Value.From(ctx.Entities.IsInHierarchy(child, ancestor));
            case SetValue set:
                foreach (var item in set.Items)
                {
                    if (item is not EntityUid)
                    {
                        return ctx.TypeError("entity", item, targetLocation);
                    }
                }
                foreach (var item in set.Items)
                {
                    if (ctx.Entities.IsInHierarchy(child, (EntityUid)item))
                    {
                        return BoolValue.True;
                    }
                }
                return BoolValue.False;
            default:
                return ctx.TypeError("set or entity", target, targetLocation);
        }
    }

    public override IEnumerable<Expr> Children => [Left, Right];
}
