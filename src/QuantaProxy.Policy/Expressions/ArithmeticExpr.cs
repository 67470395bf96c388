using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

internal enum ArithmeticOperator
{
    Add,
    Subtract,
    Multiply,
}

/// <summary>
/// A left-associative chain <c>a + b - c …</c> (or <c>a * b * …</c>), kept flat. Each step is computed before the
/// next operand is evaluated, as with Cedar's nested binary nodes; overflow is an error.
/// </summary>
internal sealed class ArithmeticExpr : Expr
{
    public ArithmeticExpr(Expr first, ArithmeticOperator[] operators, Expr[] operands, SourceLocation location)
        : base(location, [first, .. operands])
    {
        First = first;
        Operators = operators;
        Operands = operands;
    }

    public Expr First { get; }
    public IReadOnlyList<ArithmeticOperator> Operators { get; }
    public IReadOnlyList<Expr> Operands { get; }

    public override Value? Evaluate(EvaluationContext ctx)
    {
        var acc = First.Evaluate(ctx);
        if (acc is null)
        {
            return null;
        }
        for (var i = 0; i < Operands.Count; i++)
        {
            var next = Operands[i].Evaluate(ctx);
            if (next is null)
            {
                return null;
            }
            if (acc is not LongValue x)
            {
                return ctx.TypeError("long", acc, Location);
            }
            if (next is not LongValue y)
            {
                return ctx.TypeError("long", next, Operands[i].Location);
            }
            var op = Operators[i];
            if (!TryApply(op, x.Value, y.Value, out var result))
            {
                return ctx.Fail($"integer overflow while attempting to {Describe(op)} the values `{x.Value}` and `{y.Value}`", Location);
            }
            acc = new LongValue(result);
        }
        return acc;
    }

    // Overflow is detected without exceptions: a policy that overflows on every request must stay cheap.
    private static bool TryApply(ArithmeticOperator op, long x, long y, out long result)
    {
        switch (op)
        {
            case ArithmeticOperator.Add:
                result = unchecked(x + y);
                return ((x ^ result) & (y ^ result)) >= 0;
            case ArithmeticOperator.Subtract:
                result = unchecked(x - y);
                return ((x ^ y) & (x ^ result)) >= 0;
            default:
                var high = Math.BigMul(x, y, out result);
                return high == (result >> 63);
        }
    }

    private static string Describe(ArithmeticOperator op) => op switch
    {
        ArithmeticOperator.Add => "add",
        ArithmeticOperator.Subtract => "subtract",
        _ => "multiply",
    };

    public override IEnumerable<Expr> Children => [First, .. Operands];
}
