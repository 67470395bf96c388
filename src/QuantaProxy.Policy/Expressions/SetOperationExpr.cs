using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary><c>s.contains(v)</c>, <c>s.containsAll(t)</c>, <c>s.containsAny(t)</c>: the receiver (and for the latter two the argument) must be a set.</summary>
internal sealed class SetOperationExpr(SetOperator op, Expr receiver, Expr argument, SourceLocation location) : Expr(location, receiver, argument)
{
    public SetOperator Operator { get; } = op;
    public Expr Receiver { get; } = receiver;
    public Expr Argument { get; } = argument;

    public override Value? Evaluate(EvaluationContext ctx)
    {
        var a = Receiver.Evaluate(ctx);
        if (a is null)
        {
            return null;
        }
        var b = Argument.Evaluate(ctx);
        if (b is null)
        {
            return null;
        }
        if (a is not SetValue set)
        {
            return ctx.TypeError("set", a, Receiver.Location);
        }
        if (Operator == SetOperator.Contains)
        {
            return Value.From(set.Contains(b));
        }
        if (b is not SetValue other)
        {
            return ctx.TypeError("set", b, Argument.Location);
        }
        return Value.From(Operator == SetOperator.ContainsAll ? set.ContainsAll(other) : set.ContainsAny(other));
    }

    public override IEnumerable<Expr> Children => [Receiver, Argument];
}
