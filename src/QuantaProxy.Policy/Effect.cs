namespace QuantaProxy.Policy;

public enum Effect
{
    Permit,
    Forbid,
}
