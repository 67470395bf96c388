namespace QuantaProxy.Gateway.Okta.Catalog;

public enum OktaBodyKind
{
    None,
    CreateUser,
    UpdateUser,
}
