using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Extensions;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Expressions;

/// <summary>
/// A call of an <c>ipaddr</c> or <c>decimal</c> extension function; a method call's receiver is the first argument.
/// As in Cedar, all arguments are evaluated first and a wrong number of arguments is an evaluation error.
/// </summary>
internal sealed class ExtensionCallExpr(ExtensionFunction function, Expr[] arguments, SourceLocation location) : Expr(location, arguments)
{
    public ExtensionFunction Function { get; } = function;
    public IReadOnlyList<Expr> Arguments { get; } = arguments;

    public override Value? Evaluate(EvaluationContext ctx)
    {
        var args = new Value[Arguments.Count];
        for (var i = 0; i < args.Length; i++)
        {
            var v = Arguments[i].Evaluate(ctx);
            if (v is null)
            {
                return null;
            }
            args[i] = v;
        }
        var arity = ExtensionNames.Arity(Function);
        if (args.Length != arity)
        {
            return ctx.Fail($"wrong number of arguments provided to extension function `{ExtensionNames.Name(Function)}`: expected {arity}, got {args.Length}", Location);
        }
        switch (Function)
        {
            case ExtensionFunction.Ip:
                if (args[0] is not StringValue ipText)
                {
                    return ctx.TypeError("string", args[0], Arguments[0].Location);
                }
                return IpAddressParser.TryParse(ipText.Value, out var ip)
                    ? ip
                    : ctx.Fail($"error while evaluating `ipaddr` extension function: invalid IP address: {ipText.Value}", Location);
            case ExtensionFunction.Decimal:
                if (args[0] is not StringValue decText)
                {
                    return ctx.TypeError("string", args[0], Arguments[0].Location);
                }
                return DecimalParser.TryParse(decText.Value, out var dec, out var error)
                    ? dec
                    : ctx.Fail($"error while evaluating `decimal` extension function: {error}", Location);
            case ExtensionFunction.IsIpv4:
            case ExtensionFunction.IsIpv6:
            case ExtensionFunction.IsLoopback:
            case ExtensionFunction.IsMulticast:
                if (args[0] is not IpAddressValue a)
                {
                    return ctx.TypeError("ipaddr", args[0], Arguments[0].Location);
                }
                return Value.From(Function switch
                {
                    ExtensionFunction.IsIpv4 => a.IsV4,
                    ExtensionFunction.IsIpv6 => !a.IsV4,
                    ExtensionFunction.IsLoopback => a.IsLoopback,
                    _ => a.IsMulticast,
                });
            case ExtensionFunction.IsInRange:
                if (args[0] is not IpAddressValue child)
                {
                    return ctx.TypeError("ipaddr", args[0], Arguments[0].Location);
                }
                if (args[1] is not IpAddressValue range)
                {
                    return ctx.TypeError("ipaddr", args[1], Arguments[1].Location);
                }
                return Value.From(child.IsInRange(range));
            default:
                if (args[0] is not DecimalValue x)
                {
                    return ctx.TypeError("decimal", args[0], Arguments[0].Location);
                }
                if (args[1] is not DecimalValue y)
                {
                    return ctx.TypeError("decimal", args[1], Arguments[1].Location);
                }
                return Value.From(Function switch
                {
                    ExtensionFunction.LessThan => x.Scaled < y.Scaled,
                    ExtensionFunction.LessThanOrEqual => x.Scaled <= y.Scaled,
                    ExtensionFunction.GreaterThan => x.Scaled > y.Scaled,
                    _ => x.Scaled >= y.Scaled,
                });
        }
    }

    public override IEnumerable<Expr> Children => Arguments;
}
