using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Storage;

namespace QuantaProxy.Gateway.Settings;

/// <summary>Start-up checks whose messages name the setting to fix.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDir))
            errors.Add("QuantaProxy:DataDir must name a folder (env QuantaProxy__DataDir).");
        // A set-but-empty value (an unfilled secret) is refused rather than read as "generate one".
        if (options.Bootstrap.AdminKey is { } key && AdminKeyStrength.Problem(key) is { } problem)
            errors.Add($"QuantaProxy:Bootstrap:AdminKey {problem}; generate one with `quantaproxy keys admin-key --out FILE` (env QuantaProxy__Bootstrap__AdminKey).");
        if (options.Limits.MaxRequestBodyBytes is < 1024 or > 64 * 1024 * 1024)
            errors.Add("QuantaProxy:Limits:MaxRequestBodyBytes must be between 1024 and 67108864.");
        if (options.Limits.RequestBodyTimeout <= TimeSpan.Zero || options.Limits.RequestBodyTimeout > TimeSpan.FromHours(1))
            errors.Add("QuantaProxy:Limits:RequestBodyTimeout must be a positive time span of at most 01:00:00.");
        if (options.Limits.MinRequestBodyBytesPerSecond is <= 0 or > 1024 * 1024)
            errors.Add("QuantaProxy:Limits:MinRequestBodyBytesPerSecond must be between 0 (exclusive) and 1048576.");
        // Kestrel checks data rates on a one-second heartbeat and refuses a grace period that is not longer than it.
        if (options.Limits.MinRequestBodyDataRateGracePeriod <= TimeSpan.FromSeconds(1) || options.Limits.MinRequestBodyDataRateGracePeriod > TimeSpan.FromMinutes(10))
            errors.Add("QuantaProxy:Limits:MinRequestBodyDataRateGracePeriod must be longer than 00:00:01 and at most 00:10:00.");
        if (options.Limits.RequestHeadersTimeout <= TimeSpan.Zero || options.Limits.RequestHeadersTimeout > TimeSpan.FromMinutes(10))
            errors.Add("QuantaProxy:Limits:RequestHeadersTimeout must be a positive time span of at most 00:10:00.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
