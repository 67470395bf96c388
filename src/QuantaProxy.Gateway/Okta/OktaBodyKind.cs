namespace QuantaProxy.Gateway.Okta;

public enum OktaBodyKind
{
    None,
    CreateUser,
    UpdateUser,
}
