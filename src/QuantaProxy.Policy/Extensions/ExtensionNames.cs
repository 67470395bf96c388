namespace QuantaProxy.Policy.Extensions;

/// <summary>How extension functions are spelled and called (function style <c>ip("…")</c> or method style <c>x.isIpv4()</c>).</summary>
internal static class ExtensionNames
{
    private static readonly Dictionary<string, ExtensionFunction> Functions = new(StringComparer.Ordinal)
    {
        ["ip"] = ExtensionFunction.Ip,
        ["decimal"] = ExtensionFunction.Decimal,
    };

    private static readonly Dictionary<string, ExtensionFunction> Methods = new(StringComparer.Ordinal)
    {
        ["isIpv4"] = ExtensionFunction.IsIpv4,
        ["isIpv6"] = ExtensionFunction.IsIpv6,
        ["isLoopback"] = ExtensionFunction.IsLoopback,
        ["isMulticast"] = ExtensionFunction.IsMulticast,
        ["isInRange"] = ExtensionFunction.IsInRange,
        ["lessThan"] = ExtensionFunction.LessThan,
        ["lessThanOrEqual"] = ExtensionFunction.LessThanOrEqual,
        ["greaterThan"] = ExtensionFunction.GreaterThan,
        ["greaterThanOrEqual"] = ExtensionFunction.GreaterThanOrEqual,
    };

    /// <summary>Cedar's datetime extension: valid Cedar, refused here with a clear message rather than as unknown.</summary>
    public static readonly HashSet<string> UnsupportedFunctions = new(StringComparer.Ordinal) { "datetime", "duration" };

    public static readonly HashSet<string> UnsupportedMethods = new(StringComparer.Ordinal)
    {
        "offset", "durationSince", "toDate", "toTime", "toMilliseconds", "toSeconds", "toMinutes", "toHours", "toDays",
        "getTag", "hasTag",
    };

    public static bool TryFunction(string name, out ExtensionFunction f) => Functions.TryGetValue(name, out f);

    public static bool TryMethod(string name, out ExtensionFunction f) => Methods.TryGetValue(name, out f);

    public static bool IsFunctionName(string name) => Functions.ContainsKey(name) || UnsupportedFunctions.Contains(name);

    public static bool IsMethodName(string name) =>
        Methods.ContainsKey(name) || UnsupportedMethods.Contains(name) ||
        name is "contains" or "containsAll" or "containsAny" or "isEmpty";

    public static string Name(ExtensionFunction f) =>
        Functions.Concat(Methods).First(kv => kv.Value == f).Key;

    public static int Arity(ExtensionFunction f) => f switch
    {
        ExtensionFunction.Ip or ExtensionFunction.Decimal => 1,
        ExtensionFunction.IsIpv4 or ExtensionFunction.IsIpv6 or ExtensionFunction.IsLoopback or ExtensionFunction.IsMulticast => 1,
        _ => 2,
    };
}
