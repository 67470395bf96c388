namespace QuantaProxy.Gateway.Okta;

public enum OktaParameterKind
{
    Text,
    WholeNumber,
    Flag,
    Timestamp,
    SortOrder,
}
