using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Okta;

public sealed class OktaOptionsValidator : IValidateOptions<OktaOptions>
{
    private const string Prefix = OktaOptions.Section + ":";

    public ValidateOptionsResult Validate(string? name, OktaOptions options)
    {
        var failures = new List<string>();
        if (options.CallTimeout <= TimeSpan.Zero || options.CallTimeout > TimeSpan.FromMinutes(5))
            failures.Add($"{Prefix}CallTimeout must be between 00:00:00.001 and 00:05:00.");
        if (options.MaxRetryWait < TimeSpan.Zero || options.MaxRetryWait > TimeSpan.FromMinutes(5))
            failures.Add($"{Prefix}MaxRetryWait must be between 00:00:00 and 00:05:00.");
        if (options.RetryBudget is < 0 or > 10) failures.Add($"{Prefix}RetryBudget must be between 0 and 10.");
        if (options.MaxConcurrencyPerIntegration is < 1 or > 1024) failures.Add($"{Prefix}MaxConcurrencyPerIntegration must be between 1 and 1024.");
        if (options.CircuitBreakerFailures is < 2 or > 1000) failures.Add($"{Prefix}CircuitBreakerFailures must be between 2 and 1000.");
        if (options.CircuitBreakDuration < TimeSpan.FromMilliseconds(500) || options.CircuitBreakDuration > TimeSpan.FromDays(1))
            failures.Add($"{Prefix}CircuitBreakDuration must be between 00:00:00.5 and 1.00:00:00.");
        if (options.AllowedDomainSuffixes.Count == 0 && options.CustomDomains.Count == 0 && !options.AllowLoopback)
            failures.Add($"{Prefix}AllowedDomainSuffixes must list at least one suffix such as .okta.com.");
        for (var i = 0; i < options.AllowedDomainSuffixes.Count; i++)
        {
            var suffix = options.AllowedDomainSuffixes[i];
            if (string.IsNullOrEmpty(suffix) || suffix[0] != '.' || suffix.Count(c => c == '.') < 2 || Uri.CheckHostName(suffix.TrimStart('.')) != UriHostNameType.Dns)
                failures.Add($"{Prefix}AllowedDomainSuffixes:{i} must be a registrable suffix starting with a dot, such as .okta.com.");
        }
        for (var i = 0; i < options.CustomDomains.Count; i++)
            if (string.IsNullOrEmpty(options.CustomDomains[i]) || Uri.CheckHostName(options.CustomDomains[i]) != UriHostNameType.Dns || !options.CustomDomains[i].Contains('.', StringComparison.Ordinal))
                failures.Add($"{Prefix}CustomDomains:{i} must be a DNS host name such as login.example.com.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
