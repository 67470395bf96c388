namespace QuantaProxy.Gateway.Kms;

/// <summary>Which <see cref="IKeyWrapper"/> the gateway uses (<c>QuantaProxy:Kms:Provider</c>).</summary>
public enum KmsProvider
{
    /// <summary>AES-256-GCM under a master key file in the data folder. Development only.</summary>
    Local = 0,

    /// <summary>AWS KMS (or a KMS-compatible server reached through <see cref="KmsOptions.ServiceUrl"/>).</summary>
    AwsKms = 1,
}
