namespace QuantaProxy.Gateway.Kms;

/// <summary>Configuration section <c>QuantaProxy:Kms</c> (environment variables <c>QuantaProxy__Kms__*</c>).</summary>
public sealed class KmsOptions
{
    public const string SectionName = "QuantaProxy:Kms";

    /// <summary>Default file name of the local master key inside the data folder (<c>QuantaProxy:DataDir</c>).</summary>
    public const string DefaultLocalMasterKeyFileName = "kms-local-master.key";

    public KmsProvider Provider { get; set; } = KmsProvider.Local;

    /// <summary>AWS region of the key, e.g. <c>eu-west-1</c>. Required for <see cref="KmsProvider.AwsKms"/>; also the signing region when <see cref="ServiceUrl"/> is set.</summary>
    public string? Region { get; set; }

    /// <summary>Default key reference (key ARN, key id or <c>alias/...</c>): used for new tenants and checked by <c>/readyz</c>. Required for <see cref="KmsProvider.AwsKms"/>.</summary>
    public string? KeyId { get; set; }

    /// <summary>Endpoint of a KMS-compatible server (or a VPC endpoint). https, or http on a loopback address only. Unset: the region's public endpoint.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Longest a single KMS operation may take, SDK retries included, before it counts as unavailable.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Retries the AWS SDK makes after a transient failure, within <see cref="CallTimeout"/>.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>How long an unwrapped key stays in memory after it was unwrapped.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many times an unwrapped key may be used before it is dropped and unwrapped again.</summary>
    public long CacheMaxUses { get; set; } = 100_000;

    /// <summary>Most unwrapped keys held at once; the least recently used is dropped first.</summary>
    public int CacheMaxEntries { get; set; } = 10_000;

    /// <summary>Master key file of the local provider. Unset: <c>&lt;QuantaProxy:DataDir&gt;/kms-local-master.key</c>.</summary>
    public string? LocalMasterKeyPath { get; set; }
}
