using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Audit;

/// <summary>Start-up checks of <c>QuantaProxy:Audit</c>, each message naming its setting.</summary>
public sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var errors = new List<string>();
        if (options.MaxBatchSize is < 1 or > 100_000)
            errors.Add("QuantaProxy:Audit:MaxBatchSize must be between 1 and 100000.");
        if (options.QueueCapacity < options.MaxBatchSize || options.QueueCapacity > 10_000_000)
            errors.Add("QuantaProxy:Audit:QueueCapacity must be at least QuantaProxy:Audit:MaxBatchSize and at most 10000000.");
        if (options.CheckpointInterval < TimeSpan.Zero || options.CheckpointInterval > TimeSpan.FromDays(1))
            errors.Add("QuantaProxy:Audit:CheckpointInterval must be between 00:00:00 (off) and 1.00:00:00.");
        if (options.CheckpointReuseMaxAge < TimeSpan.Zero || options.CheckpointReuseMaxAge > TimeSpan.FromHours(1))
            errors.Add("QuantaProxy:Audit:CheckpointReuseMaxAge must be between 00:00:00 and 01:00:00.");
        if (options.CheckpointReuseMaxGrowth is < 1 or > 10_000_000)
            errors.Add("QuantaProxy:Audit:CheckpointReuseMaxGrowth must be between 1 and 10000000.");
        // The origin is the first line of every signed checkpoint: a space or line break in it would change the note's shape.
        if (string.IsNullOrEmpty(options.Origin) || options.Origin.Length > 200 || options.Origin.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            errors.Add("QuantaProxy:Audit:Origin must be 1 to 200 characters without spaces or control characters.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
