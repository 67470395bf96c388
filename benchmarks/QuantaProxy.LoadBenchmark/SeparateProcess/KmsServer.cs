using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>
/// A KMS-compatible server (moto_server, or a KMS endpoint on loopback) the gateway wraps its keys with, so the
/// benchmark sees real Encrypt/Decrypt round trips and can count them. The harness creates one symmetric key in it.
/// </summary>
internal sealed record KmsServer(Uri Url, string Region, string KeyArn)
{
    public string HostPort => $"server.address={Url.Host},server.port={Url.Port}";

    public static async Task<KmsServer> CreateKeyAsync(Uri url, CancellationToken ct)
    {
        const string region = "us-east-1";
        // moto accepts any credentials; a real endpoint uses the SDK's default chain.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"))) Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY"))) Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
        using var client = new AmazonKeyManagementServiceClient(new AmazonKeyManagementServiceConfig { ServiceURL = url.ToString(), AuthenticationRegion = region });
        var key = await client.CreateKeyAsync(new CreateKeyRequest { Description = "QuantaProxy load benchmark" }, ct);
        return new KmsServer(url, region, key.KeyMetadata.Arn);
    }

    /// <summary>The gateway's settings for this server (README, "AWS KMS for real").</summary>
    public IEnumerable<KeyValuePair<string, string>> GatewayEnvironment() =>
    [
        new("QuantaProxy__Kms__Provider", "AwsKms"),
        new("QuantaProxy__Kms__Region", Region),
        new("QuantaProxy__Kms__KeyId", KeyArn),
        new("QuantaProxy__Kms__ServiceUrl", Url.ToString()),
        new("AWS_ACCESS_KEY_ID", Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")!),
        new("AWS_SECRET_ACCESS_KEY", Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY")!),
    ];
}
