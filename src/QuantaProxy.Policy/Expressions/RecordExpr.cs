using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary>A record literal with at least one non-literal value; keys are unique (the parser refuses duplicates).</summary>
internal sealed class RecordExpr(string[] keys, Expr[] values, SourceLocation location) : Expr(location, values)
{
    public IReadOnlyList<string> Keys { get; } = keys;
    public IReadOnlyList<Expr> Values { get; } = values;

    public override Value? Evaluate(EvaluationContext ctx)
    {
        var dict = new Dictionary<string, Value>(Keys.Count, StringComparer.Ordinal);
        for (var i = 0; i < Keys.Count; i++)
        {
            var v = Values[i].Evaluate(ctx);
            if (v is null)
            {
                return null;
            }
            dict[Keys[i]] = v;
        }
        return RecordValue.FromOwned(dict);
    }

    public override IEnumerable<Expr> Children => Values;
}
