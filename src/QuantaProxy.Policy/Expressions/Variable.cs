namespace QuantaProxy.Policy.Expressions;

internal enum Variable
{
    Principal,
    Action,
    Resource,
    Context,
}
