using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary>
/// <c>e has a</c> on a record or an entity. An entity missing from the store has no attributes (false, not an
/// error). <c>e has a.b</c> is built by the parser as <c>e has a &amp;&amp; e.a has b</c>, Cedar's desugaring.
/// </summary>
internal sealed class HasAttrExpr(Expr operand, string attribute, SourceLocation location) : Expr(location, operand)
{
    public Expr Operand { get; } = operand;
    public string Attribute { get; } = attribute;

    public override Value? Evaluate(EvaluationContext ctx)
    {
        var v = Operand.Evaluate(ctx);
        return v switch
        {
            null => null,
            RecordValue r => Value.From(r.Has(Attribute)),
            EntityUid uid => Value.From(ctx.Entities.TryGet(uid, out var e) && e.Attributes.Has(Attribute)),
            _ => ctx.TypeError("record or entity", v, Operand.Location),
        };
    }

    public override IEnumerable<Expr> Children => [Operand];
}
