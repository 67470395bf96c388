using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Proxy;

/// <summary>Configuration section <c>QuantaProxy:Idempotency</c>: how long answers are kept for replay, and how much.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "QuantaProxy:Idempotency";

    /// <summary>How long an <c>Idempotency-Key</c> and its answer are kept; after it the key may be used afresh.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Stored answers one tenant may hold at once, in bytes; past it new keys are refused (429) until old ones expire.</summary>
    public long MaxBytesPerTenant { get; set; } = 64L * 1024 * 1024;

    /// <summary>How often expired records are deleted.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);
}

public sealed class IdempotencyOptionsValidator : IValidateOptions<IdempotencyOptions>
{
    public ValidateOptionsResult Validate(string? name, IdempotencyOptions options)
    {
        var errors = new List<string>();
        if (options.Ttl < TimeSpan.FromMinutes(1) || options.Ttl > TimeSpan.FromDays(30))
            errors.Add("QuantaProxy:Idempotency:Ttl must be between 00:01:00 and 30.00:00:00.");
        if (options.MaxBytesPerTenant is < 1024 * 1024 or > 64L * 1024 * 1024 * 1024)
            errors.Add("QuantaProxy:Idempotency:MaxBytesPerTenant must be between 1048576 and 68719476736.");
        if (options.SweepInterval < TimeSpan.FromSeconds(1) || options.SweepInterval > TimeSpan.FromDays(1))
            errors.Add("QuantaProxy:Idempotency:SweepInterval must be between 00:00:01 and 1.00:00:00.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
