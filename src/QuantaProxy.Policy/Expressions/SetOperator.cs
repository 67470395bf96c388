namespace QuantaProxy.Policy.Expressions;

internal enum SetOperator
{
    Contains,
    ContainsAll,
    ContainsAny,
}
