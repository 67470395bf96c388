namespace QuantaProxy.OktaSandbox.OAuth;

/// <summary>Where a token endpoint looks up the app a client assertion names.</summary>
internal interface IClientDirectory
{
    RegisteredApp? Find(string clientId);
}
