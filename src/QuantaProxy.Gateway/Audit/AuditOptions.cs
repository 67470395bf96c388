namespace QuantaProxy.Gateway.Audit;

/// <summary>Configuration section <c>QuantaProxy:Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string Section = "QuantaProxy:Audit";

    /// <summary>Most events written in one group commit.</summary>
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Events that may wait for the appender before callers are refused (503 audit_unavailable).</summary>
    public int QueueCapacity { get; set; } = 50_000;

    /// <summary>How often a checkpoint is signed for each tenant whose chain grew (0 disables the schedule).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The origin line of checkpoints: <c>&lt;origin&gt;/audit/&lt;tenant_id&gt;</c>.</summary>
    public string Origin { get; set; } = "quantaproxy.local";
}
