namespace QuantaProxy.Policy;

public enum DecisionKind
{
    Deny,
    Allow,
}
