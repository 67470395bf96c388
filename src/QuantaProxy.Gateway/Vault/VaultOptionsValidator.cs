using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Vault;

/// <summary>Start-up checks whose messages name the setting to fix.</summary>
public sealed class VaultOptionsValidator : IValidateOptions<VaultOptions>
{
    public ValidateOptionsResult Validate(string? name, VaultOptions options)
    {
        var errors = new List<string>();
        if (options.UnsealedCacheTtl < TimeSpan.Zero || options.UnsealedCacheTtl > TimeSpan.FromHours(1))
            errors.Add("QuantaProxy:Vault:UnsealedCacheTtl must be between 00:00:00 (off) and 01:00:00 (env QuantaProxy__Vault__UnsealedCacheTtl).");
        if (options.UnsealedCacheMaxEntries is < 1 or > 1_000_000)
            errors.Add("QuantaProxy:Vault:UnsealedCacheMaxEntries must be between 1 and 1000000.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
