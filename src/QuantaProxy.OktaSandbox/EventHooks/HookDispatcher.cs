using System.Collections.Concurrent;
using System.Threading.Channels;

namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>One event hook call to make: the hook as it was when the event happened, and the body to POST.</summary>
internal sealed record HookDelivery(EventHook Hook, string EventId, string EventType, string Json);

/// <summary>
/// Delivers event hook calls in the background, at least once: first attempts in the order events happened, a failed attempt
/// (timeout, connection error, non-2xx) retried once after <see cref="EventHookOptions.RetryDelay"/>, as Okta does. Faults from
/// <see cref="EventHookFaults"/> lose, duplicate, reorder or delay deliveries.
/// </summary>
internal sealed class HookDispatcher : IAsyncDisposable
{
    /// <summary>Deliveries waiting at most; past it new ones are lost (and recorded as dropped), as a swamped sender would.</summary>
    private const int Capacity = 10_000;

    /// <summary>How long a reordered delivery waits for one to overtake it.</summary>
    private static readonly TimeSpan ReorderWait = TimeSpan.FromSeconds(1);

    private readonly Channel<HookDelivery> _queue = Channel.CreateBounded<HookDelivery>(new BoundedChannelOptions(Capacity) { SingleReader = true });
    private readonly HookHttp _http;
    private readonly EventHookFaults _faults;
    private readonly EventHookActivity _activity;
    private readonly TimeSpan _retryDelay;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _retries = new();
    private readonly Task _loop;

    public HookDispatcher(HookHttp http, EventHookFaults faults, EventHookActivity activity, TimeSpan retryDelay, TimeProvider clock)
    {
        _http = http;
        _faults = faults;
        _activity = activity;
        _retryDelay = retryDelay;
        _clock = clock;
        _loop = Task.Run(RunAsync);
    }

    public void Enqueue(HookDelivery delivery)
    {
        _activity.Queued();
        if (!_queue.Writer.TryWrite(delivery))
        {
            Record(delivery, 1, null, "dropped");
            _activity.Finished();
        }
    }

    private async Task RunAsync()
    {
        var ct = _stopping.Token;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(ct))
            {
                while (_queue.Reader.TryRead(out var delivery))
                {
                    if (!_faults.TakeReorder())
                    {
                        await DeliverAsync(delivery, ct);
                        continue;
                    }
                    using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    wait.CancelAfter(ReorderWait);
                    HookDelivery? overtaking = null;
                    try
                    {
                        if (await _queue.Reader.WaitToReadAsync(wait.Token)) _queue.Reader.TryRead(out overtaking);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        // Nothing came to overtake it: it goes late, alone.
                    }
                    if (overtaking is not null) await DeliverAsync(overtaking, ct);
                    await DeliverAsync(delivery, ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: what is still queued is lost, as when an org goes away.
        }
    }

    private async Task DeliverAsync(HookDelivery delivery, CancellationToken ct)
    {
        if (_faults.TakeDrop())
        {
            Record(delivery, 1, null, "dropped");
            _activity.Finished();
            return;
        }
        var duplicate = _faults.TakeDuplicate();
        var delivered = await AttemptAsync(delivery, 1, "delivered", ct);
        if (duplicate) await AttemptAsync(delivery, 1, "duplicate", ct);
        if (delivered)
        {
            _activity.Finished();
            return;
        }
        // The retry waits on its own, so later deliveries are not held up behind it.
        var retry = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(_retryDelay, _clock, ct);
                await AttemptAsync(delivery, 2, "delivered", ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Stopping.
            }
            finally
            {
                _activity.Finished();
            }
        }, CancellationToken.None);
        _retries.TryAdd(retry, 0);
        _ = retry.ContinueWith(t => _retries.TryRemove(t, out _), TaskScheduler.Default);
    }

    private async Task<bool> AttemptAsync(HookDelivery delivery, int attempt, string successOutcome, CancellationToken ct)
    {
        var delay = _faults.DeliveryDelay;
        if (delay > TimeSpan.Zero) await Task.Delay(delay, _clock, ct);
        var answer = await _http.CallAsync(delivery.Hook, delivery.Json, challenge: null, ct);
        Record(delivery, attempt, answer.Status, answer.Succeeded ? successOutcome : "failed");
        return answer.Succeeded;
    }

    private void Record(HookDelivery delivery, int attempt, int? status, string outcome) =>
        _activity.Record(new EventHookAttempt(delivery.Hook.Id, delivery.EventId, delivery.EventType, attempt, status, outcome, _clock.GetUtcNow()));

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        await _loop;
        await Task.WhenAll(_retries.Keys);
        _stopping.Dispose();
    }
}
