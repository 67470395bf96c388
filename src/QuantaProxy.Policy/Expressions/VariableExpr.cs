using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

internal sealed class VariableExpr(Variable variable, SourceLocation location) : Expr(location)
{
    public Variable Variable { get; } = variable;

    public override Value? Evaluate(EvaluationContext ctx) => Variable switch
    {
        Variable.Principal => ctx.Request.Principal,
        Variable.Action => ctx.Request.Action,
        Variable.Resource => ctx.Request.Resource,
        _ => ctx.Request.Context,
    };

    public override IEnumerable<Expr> Children => [];
}
