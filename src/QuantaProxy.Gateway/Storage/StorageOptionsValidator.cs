using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Storage;

public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        if (options.Provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString))
            return ValidateOptionsResult.Fail("QuantaProxy:Storage:ConnectionString is required when QuantaProxy:Storage:Provider=Postgres (env QuantaProxy__Storage__ConnectionString).");
        // The shipped manifests carry a placeholder password: deploying them unchanged must stop here, by name.
        if (options.ConnectionString is { } cs && cs.Contains("CHANGE_ME", StringComparison.OrdinalIgnoreCase))
            return ValidateOptionsResult.Fail("QuantaProxy:Storage:ConnectionString still holds the placeholder CHANGE_ME (env QuantaProxy__Storage__ConnectionString).");
        if (options.MaxPoolSize is < 1 or > 1000)
            return ValidateOptionsResult.Fail("QuantaProxy:Storage:MaxPoolSize must be between 1 and 1000.");
        return ValidateOptionsResult.Success;
    }
}
