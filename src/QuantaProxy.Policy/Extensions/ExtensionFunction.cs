namespace QuantaProxy.Policy.Extensions;

/// <summary>The extension functions implemented: Cedar's <c>ipaddr</c> and <c>decimal</c> extensions.</summary>
internal enum ExtensionFunction
{
    Ip,
    Decimal,
    IsIpv4,
    IsIpv6,
    IsLoopback,
    IsMulticast,
    IsInRange,
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,
}
