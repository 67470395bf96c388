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

    /// <summary>
    /// A checkpoint asked for is the latest one as long as it is younger than this and the chain grew by fewer than
    /// <see cref="CheckpointReuseMaxGrowth"/> events since (reads are events too: signing on every read would let one key
    /// make the gateway sign and store a checkpoint per request). <c>00:00:00</c> signs whenever the chain grew.
    /// </summary>
    public TimeSpan CheckpointReuseMaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Events the chain may grow by before a read gets a newly signed checkpoint instead of the latest one.</summary>
    public int CheckpointReuseMaxGrowth { get; set; } = 1000;

    /// <summary>The origin line of checkpoints: <c>&lt;origin&gt;/audit/&lt;tenant_id&gt;</c>.</summary>
    public string Origin { get; set; } = "quantaproxy.local";
}
