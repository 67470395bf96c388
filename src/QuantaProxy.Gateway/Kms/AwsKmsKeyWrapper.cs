using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Kms;

/// <summary>
/// Wraps keys with AWS KMS <c>Encrypt</c> / <c>Decrypt</c> (symmetric key, <c>SYMMETRIC_DEFAULT</c>) and an
/// encryption context, which KMS binds to the ciphertext and records in CloudTrail. <c>Decrypt</c> also names the
/// key, so a ciphertext of another key is refused even when the caller may use both keys.
/// Credentials come from the SDK's default chain (environment, web identity / IRSA, ECS, EC2 instance profile).
/// </summary>
public sealed class AwsKmsKeyWrapper : IKeyWrapper, IDisposable
{
    public const string ProviderName = "aws-kms";

    private readonly AmazonKeyManagementServiceClient _client;
    private readonly string? _defaultKeyId;
    private readonly TimeSpan _callTimeout;
    private readonly ILogger<AwsKmsKeyWrapper> _logger;

    public AwsKmsKeyWrapper(IOptions<KmsOptions> options, ILogger<AwsKmsKeyWrapper> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.Region))
            throw new InvalidOperationException("QuantaProxy:Kms:Region is required when Provider=AwsKms (env QuantaProxy__Kms__Region).");

        _defaultKeyId = settings.KeyId;
        _callTimeout = settings.CallTimeout;
        _logger = logger;

        var config = new AmazonKeyManagementServiceConfig
        {
            // The per-attempt limits equal the whole budget: a hung attempt uses it all, a refused connection
            // fails fast and leaves room for the SDK's retries.
            Timeout = settings.CallTimeout,
            ConnectTimeout = settings.CallTimeout,
            MaxErrorRetry = settings.MaxRetries,
            RetryMode = RequestRetryMode.Standard,
            // The endpoint comes from our configuration only, never from AWS_ENDPOINT_URL* or a shared config file.
            IgnoreConfiguredEndpointUrls = true,
        };
        if (string.IsNullOrEmpty(settings.ServiceUrl))
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(settings.Region);
        }
        else
        {
            config.ServiceURL = settings.ServiceUrl;
            config.AuthenticationRegion = settings.Region;
        }
        _client = new AmazonKeyManagementServiceClient(config);
        _logger.LogInformation("KMS provider 'aws-kms': region {Region}, endpoint {Endpoint}, default key {KeyId}.",
            settings.Region, string.IsNullOrEmpty(settings.ServiceUrl) ? "regional" : settings.ServiceUrl, settings.KeyId);
    }

    public string Provider => ProviderName;

    public async Task<byte[]> WrapAsync(string keyId, ReadOnlyMemory<byte> plaintext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct)
    {
        KeyWrapLimits.CheckKeyId(keyId);
        KeyWrapLimits.CheckPlaintext(plaintext);
        KeyWrapLimits.CheckContext(encryptionContext);

        var plaintextCopy = plaintext.ToArray();
        try
        {
            var request = new EncryptRequest
            {
                KeyId = keyId,
                Plaintext = new MemoryStream(plaintextCopy, writable: false),
                EncryptionContext = new Dictionary<string, string>(encryptionContext, StringComparer.Ordinal),
                EncryptionAlgorithm = EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT,
            };
            var response = await CallAsync("Encrypt", keyId, isUnwrap: false, token => _client.EncryptAsync(request, token), ct).ConfigureAwait(false);
            if (response.CiphertextBlob is null || response.CiphertextBlob.Length == 0)
                throw new KmsUnavailableException($"AWS KMS Encrypt for key '{keyId}' returned no ciphertext.");
            return response.CiphertextBlob.ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintextCopy);
        }
    }

    public async Task<byte[]> UnwrapAsync(string keyId, ReadOnlyMemory<byte> ciphertext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken ct)
    {
        KeyWrapLimits.CheckKeyId(keyId);
        KeyWrapLimits.CheckContext(encryptionContext);
        KeyWrapLimits.CheckCiphertext(ciphertext, keyId);

        var request = new DecryptRequest
        {
            KeyId = keyId,
            CiphertextBlob = new MemoryStream(ciphertext.ToArray(), writable: false),
            EncryptionContext = new Dictionary<string, string>(encryptionContext, StringComparer.Ordinal),
            EncryptionAlgorithm = EncryptionAlgorithmSpec.SYMMETRIC_DEFAULT,
        };
        var response = await CallAsync("Decrypt", keyId, isUnwrap: true, token => _client.DecryptAsync(request, token), ct).ConfigureAwait(false);
        using var stream = response.Plaintext;
        if (stream is null || stream.Length == 0)
            throw new KeyUnwrapException($"AWS KMS Decrypt for key '{keyId}' returned no plaintext.");
        var plaintext = stream.ToArray();
        // The SDK's buffer holds the same secret: clear it rather than leave it to the garbage collector.
        if (stream.TryGetBuffer(out var buffer))
            CryptographicOperations.ZeroMemory(buffer.AsSpan());
        return plaintext;
    }

    /// <summary>True when KMS answers <c>DescribeKey</c> for the default key and reports it enabled.</summary>
    public async Task<bool> CheckReachableAsync(CancellationToken ct)
    {
        if (string.IsNullOrEmpty(_defaultKeyId))
            return false;
        try
        {
            var response = await CallAsync("DescribeKey", _defaultKeyId, isUnwrap: false,
                token => _client.DescribeKeyAsync(new DescribeKeyRequest { KeyId = _defaultKeyId }, token), ct).ConfigureAwait(false);
            if (response.KeyMetadata?.Enabled == true)
                return true;
            _logger.LogWarning("KMS key {KeyId} is not enabled (state {KeyState}).", _defaultKeyId, response.KeyMetadata?.KeyState?.Value);
            return false;
        }
        catch (Exception e) when (e is KmsUnavailableException or KeyWrapException)
        {
            _logger.LogWarning("KMS readiness check for key {KeyId} failed: {Reason}", _defaultKeyId, e.Message);
            return false;
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>Runs one SDK call within <see cref="KmsOptions.CallTimeout"/> and translates its failures.</summary>
    private async Task<T> CallAsync<T>(string operation, string keyId, bool isUnwrap, Func<CancellationToken, Task<T>> call, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(_callTimeout);
        try
        {
            return await call(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (AwsKmsErrors.Translate(e, operation, keyId, isUnwrap, _callTimeout) is { } translated)
        {
            throw translated;
        }
    }
}
