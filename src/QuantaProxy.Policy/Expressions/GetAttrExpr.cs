using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary><c>e.a</c> / <c>e["a"]</c> on a record or an entity; a missing attribute or entity is an error.</summary>
internal sealed class GetAttrExpr(Expr operand, string attribute, SourceLocation location) : Expr(location, operand)
{
    public Expr Operand { get; } = operand;
    public string Attribute { get; } = attribute;

    public override Value? Evaluate(EvaluationContext ctx)
    {
        var v = Operand.Evaluate(ctx);
        switch (v)
        {
            case null:
                return null;
            case RecordValue r:
                return r.TryGet(Attribute, out var value)
                    ? value
                    : ctx.Fail($"record does not have the attribute `{Attribute}`", Location);
            case EntityUid uid:
                if (!ctx.Entities.TryGet(uid, out var entity))
                {
                    return ctx.Fail($"entity `{uid}` does not exist", Operand.Location);
                }
                return entity.Attributes.TryGet(Attribute, out var attr)
                    ? attr
                    : ctx.Fail($"`{uid}` does not have the attribute `{Attribute}`", Location);
            default:
                return ctx.TypeError("record or entity", v, Operand.Location);
        }
    }

    public override IEnumerable<Expr> Children => [Operand];
}
