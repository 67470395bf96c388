namespace QuantaProxy.Policy.Values;

// The members are Cedar's type names, which happen to be .NET type names too.
#pragma warning disable CA1720
public enum ValueKind
{
    Bool,
    Long,
    String,
    Entity,
    Set,
    Record,
    IpAddress,
    Decimal,
}
#pragma warning restore CA1720
