using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Audit;

/// <summary>
/// The single writer of this process's audit events. Callers enqueue and wait; one loop drains whatever is waiting
/// (up to <see cref="AuditOptions.MaxBatchSize"/>) into one transaction, so under load many events share one fsync
/// (group commit) and the chain is never the bottleneck. A caller is released only once its event is durable.
/// </summary>
public sealed class AuditAppender : BackgroundService
{
    private readonly AuditStore _store;
    private readonly ILogger<AuditAppender> _logger;
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue;

    public AuditAppender(AuditStore store, IOptions<AuditOptions> options, ILogger<AuditAppender> logger)
    {
        _store = store;
        _logger = logger;
        _maxBatch = options.Value.MaxBatchSize;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Batches written so far and events in them (for metrics and benchmarks).</summary>
    public long BatchesWritten => Interlocked.Read(ref _batches);

    public long EventsWritten => Interlocked.Read(ref _events);

    private long _batches;
    private long _events;

    /// <summary>Appends the event durably and returns its sequence number; throws <see cref="AuditUnavailableException"/> otherwise.</summary>
    public async Task<long> AppendAsync(PendingAuditEvent auditEvent, CancellationToken ct)
    {
        var pending = new Pending(auditEvent);
        if (!_queue.Writer.TryWrite(pending))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await _queue.Writer.WriteAsync(pending, timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new AuditUnavailableException("The audit queue is full.");
            }
            catch (ChannelClosedException e)
            {
                throw new AuditUnavailableException("The audit appender has stopped.", e);
            }
        }
        // The caller's cancellation does not cancel the write: once queued, the event is either stored or reported failed.
        return await pending.Completion.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(_maxBatch);
        var events = new List<PendingAuditEvent>(_maxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < _maxBatch && reader.TryRead(out var item)) batch.Add(item);
                if (batch.Count == 0) continue;
                await WriteAsync(batch, events);
                batch.Clear();
                events.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Drain what is left so no caller waits forever: write it if the store is still there, else fail it.
            _queue.Writer.TryComplete();
            while (reader.TryRead(out var item)) batch.Add(item);
            if (batch.Count > 0) await WriteAsync(batch, events);
        }
    }

    private async Task WriteAsync(List<Pending> batch, List<PendingAuditEvent> events)
    {
        foreach (var p in batch) events.Add(p.Event);
        try
        {
            using var activity = Telemetry.GatewayTelemetry.Source.StartActivity("audit.append");
            activity?.SetTag("qp.audit.batch_size", batch.Count);
            var started = Stopwatch.GetTimestamp();
            var seqs = await _store.AppendAsync(events, CancellationToken.None);
            Telemetry.GatewayTelemetry.AuditBatchSize.Record(batch.Count);
            Telemetry.GatewayTelemetry.AuditAppendDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _events, batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                // Lag: how long the caller waited for its event to be durable (queue wait + the commit it rode in).
                Telemetry.GatewayTelemetry.AuditLag.Record(Stopwatch.GetElapsedTime(batch[i].EnqueuedAt).TotalMilliseconds);
                batch[i].Completion.TrySetResult(seqs[i]);
            }
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Audit append of {Count} events failed; the requests fail closed", batch.Count);
            var failure = new AuditUnavailableException("The audit event could not be stored.", e);
            foreach (var p in batch) p.Completion.TrySetException(failure);
        }
    }

    private sealed class Pending(PendingAuditEvent auditEvent)
    {
        public PendingAuditEvent Event { get; } = auditEvent;
        public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
