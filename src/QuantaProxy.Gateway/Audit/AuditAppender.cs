using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace QuantaProxy.Gateway.Audit;

/// <summary>
/// The single writer of this process's audit events, by group commit: a caller queues its event and, when no write is
/// in progress, becomes the writer and stores everything queued (up to <see cref="AuditOptions.MaxBatchSize"/> per
/// transaction) itself; callers that arrive during a write wait for a later batch. A caller is released only once its
/// event is durable.
/// </summary>
/// <remarks>
/// Writing on the caller's own thread when the appender is idle saves the two thread hand-offs (to a writer loop and
/// back) that a dedicated writer costs every call at low concurrency. A caller writes only until its own event is
/// stored: if more are waiting then, it hands them to a pool thread, so under load one request does not carry the
/// others' commits.
/// </remarks>
public sealed class AuditAppender : IHostedService, IDisposable
{
    private readonly AuditStore _store;
    private readonly ILogger<AuditAppender> _logger;
    private readonly int _maxBatch;
    private readonly int _capacity;
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private int _depth;
    private volatile bool _stopping;
    private long _batches;
    private long _events;

    public AuditAppender(AuditStore store, IOptions<AuditOptions> options, ILogger<AuditAppender> logger)
    {
        _store = store;
        _logger = logger;
        _maxBatch = options.Value.MaxBatchSize;
        _capacity = options.Value.QueueCapacity;
    }

    /// <summary>Batches written so far and events in them (for metrics and benchmarks).</summary>
    public long BatchesWritten => Interlocked.Read(ref _batches);

    public long EventsWritten => Interlocked.Read(ref _events);

    /// <summary>Appends the event durably and returns its sequence number; throws <see cref="AuditUnavailableException"/> otherwise.</summary>
    public async Task<long> AppendAsync(PendingAuditEvent auditEvent, CancellationToken ct)
    {
        if (_stopping) throw new AuditUnavailableException("The audit appender has stopped.");
        // From queueing to durable: the commit this event rode in, or the wait for a writer and its batch.
        using var activity = Telemetry.GatewayTelemetry.Source.StartActivity("audit.record");
        await ReserveAsync(ct);
        var pending = new Pending(auditEvent);
        _queue.Enqueue(pending);
        // The caller's cancellation does not cancel the write: once queued, the event is either stored or reported failed.
        await WriteQueuedAsync(pending);
        return await pending.Completion.Task;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Refuses new events and waits until every queued one is written (or reported failed).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        await _writer.WaitAsync(CancellationToken.None);
        try
        {
            while (!_queue.IsEmpty) await WriteBatchAsync();
        }
        finally
        {
            _writer.Release();
        }
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>Waits (at most 5 s) for room in the queue: a full queue means the store is slower than the callers.</summary>
    private async ValueTask ReserveAsync(CancellationToken ct)
    {
        if (Interlocked.Increment(ref _depth) <= _capacity) return;
        Interlocked.Decrement(ref _depth);
        var deadline = Stopwatch.GetTimestamp() + 5 * Stopwatch.Frequency;
        while (true)
        {
            await Task.Delay(5, ct);
            if (Interlocked.Increment(ref _depth) <= _capacity) return;
            Interlocked.Decrement(ref _depth);
            if (Stopwatch.GetTimestamp() >= deadline) throw new AuditUnavailableException("The audit queue is full.");
        }
    }

    /// <summary>
    /// Becomes the writer if nobody is, and writes until <paramref name="own"/> is stored (or, with no event of its own,
    /// until the queue is empty). A caller that cannot become the writer leaves: the writer looks at the queue again
    /// after it lets go, so an event queued while it was writing is never left behind.
    /// </summary>
    private async Task WriteQueuedAsync(Pending? own)
    {
        while (!_queue.IsEmpty)
        {
            if (!_writer.Wait(0)) return;
            try
            {
                while (!_queue.IsEmpty && (own is null || !own.Completion.Task.IsCompleted)) await WriteBatchAsync();
            }
            finally
            {
                _writer.Release();
            }
            if (own is not null && own.Completion.Task.IsCompleted)
            {
                if (!_queue.IsEmpty) _ = Task.Run(() => WriteQueuedAsync(null));
                return;
            }
        }
    }

    private async Task WriteBatchAsync()
    {
        var batch = new List<Pending>(Math.Min(_maxBatch, Math.Max(1, Volatile.Read(ref _depth))));
        while (batch.Count < _maxBatch && _queue.TryDequeue(out var item)) batch.Add(item);
        if (batch.Count == 0) return;
        Interlocked.Add(ref _depth, -batch.Count);
        var events = new PendingAuditEvent[batch.Count];
        for (var i = 0; i < batch.Count; i++) events[i] = batch[i].Event;
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

        // Continuations run on the pool: the writer completes a whole batch and must not run its callers' requests inline.
        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
