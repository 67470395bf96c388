using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.RateLimiting;

/// <summary>Start-up checks of <c>QuantaProxy:RateLimits</c>, each message naming its setting.</summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var errors = new List<string>();
        if (options.PerKeyPerSecond is < 0 or > 1_000_000)
            errors.Add("QuantaProxy:RateLimits:PerKeyPerSecond must be between 0 (no limit) and 1000000.");
        if (options.PerKeyBurst is < 0 or > 10_000_000)
            errors.Add("QuantaProxy:RateLimits:PerKeyBurst must be between 0 and 10000000.");
        if (options.PerTenantPerSecond is < 0 or > 1_000_000)
            errors.Add("QuantaProxy:RateLimits:PerTenantPerSecond must be between 0 (no limit) and 1000000.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
