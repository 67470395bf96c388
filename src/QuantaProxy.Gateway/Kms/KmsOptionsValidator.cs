using System.Net;
using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Kms;

/// <summary>Start-up validation of <see cref="KmsOptions"/>; every message names the setting to fix and its environment variable.</summary>
public sealed class KmsOptionsValidator : IValidateOptions<KmsOptions>
{
    private const string Section = "QuantaProxy:Kms:";
    private const string EnvPrefix = "QuantaProxy__Kms__";

    private static readonly TimeSpan MaxCallTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxCacheTtl = TimeSpan.FromHours(24);

    public ValidateOptionsResult Validate(string? name, KmsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (!Enum.IsDefined(options.Provider))
            failures.Add(Message("Provider", "must be Local or AwsKms"));

        if (options.Provider == KmsProvider.AwsKms)
        {
            if (string.IsNullOrWhiteSpace(options.Region))
                failures.Add(Message("Region", "is required when Provider=AwsKms", "the key's AWS region, for example eu-west-1."));
            else if (!IsRegionName(options.Region))
                failures.Add(Message("Region", $"'{options.Region}' is not an AWS region name such as eu-west-1"));

            if (string.IsNullOrWhiteSpace(options.KeyId))
                failures.Add(Message("KeyId", "is required when Provider=AwsKms", "a key ARN, key id or alias/name of a symmetric encryption key."));
            else if (options.KeyId.Length > KeyWrapLimits.MaxKeyIdLength || options.KeyId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                failures.Add(Message("KeyId", $"must be at most {KeyWrapLimits.MaxKeyIdLength} characters with no white space"));
        }

        if (!string.IsNullOrEmpty(options.ServiceUrl))
        {
            var problem = CheckServiceUrl(options.ServiceUrl);
            if (problem is not null)
                failures.Add(Message("ServiceUrl", problem));
        }

        if (options.CallTimeout <= TimeSpan.Zero || options.CallTimeout > MaxCallTimeout)
            failures.Add(Message("CallTimeout", "must be greater than 00:00:00 and at most 00:01:00"));
        if (options.MaxRetries is < 0 or > 10)
            failures.Add(Message("MaxRetries", "must be between 0 and 10"));
        if (options.CacheTtl <= TimeSpan.Zero || options.CacheTtl > MaxCacheTtl)
            failures.Add(Message("CacheTtl", "must be greater than 00:00:00 and at most 1.00:00:00"));
        if (options.CacheMaxUses < 1)
            failures.Add(Message("CacheMaxUses", "must be at least 1"));
        if (options.CacheMaxEntries < 1)
            failures.Add(Message("CacheMaxEntries", "must be at least 1"));
        if (options.LocalMasterKeyPath is not null && string.IsNullOrWhiteSpace(options.LocalMasterKeyPath))
            failures.Add(Message("LocalMasterKeyPath", "must be a file path, or unset to use the data folder"));

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Message(string setting, string problem, string? hint = null) =>
        $"{Section}{setting} {problem} (env {EnvPrefix}{setting}){(hint is null ? "." : ": " + hint)}";

    private static bool IsRegionName(string region) =>
        region.Length <= 32 && region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>KMS Encrypt sends the plaintext key: plain http is acceptable only when it never leaves the machine.</summary>
    private static string? CheckServiceUrl(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            return $"'{value}' must be an absolute https:// URL";
        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            return "must not contain credentials, a query or a fragment";
        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
            return $"'{value}' uses http to a non-loopback host; use https (plain http is accepted only for 127.0.0.1, [::1] or localhost)";
        return null;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}
