namespace QuantaProxy.Gateway.Policies;

/// <summary>
/// One principal's calls on one day as a replica knows them: the row's total as last read or written, the calls being added
/// to it right now, and the calls counted since. Reads and writes of the row are serialized per tally, so a read never sees
/// calls that are also still counted as in flight, and of many callers finding the tally stale only one reads the row.
/// </summary>
// The semaphore never has a wait handle allocated (no AvailableWaitHandle use), so it holds nothing to dispose, and a tally
// is forgotten while a caller may still hold it.
#pragma warning disable CA1001
public sealed class DailyCallTally
#pragma warning restore CA1001
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _io = new(1, 1);
    private long _stored;
    private long _inFlight;
    private long _pending;
    private long _storedAt;
    private bool _loaded;
    private bool _retired;
    private long _lastUsed;

    public long LastUsedTimestamp
    {
        get { lock (_gate) return _lastUsed; }
    }

    public bool IsStale(TimeProvider time, TimeSpan interval)
    {
        lock (_gate) return !_loaded || time.GetElapsedTime(_storedAt) >= interval;
    }

    /// <summary>Counts one call; false when the tally is not loaded yet or was retired (count on another one).</summary>
    public bool TryTake(TimeProvider time, out long before)
    {
        lock (_gate)
        {
            before = _stored + _inFlight + _pending;
            if (_retired || !_loaded) return false;
            _pending++;
            _lastUsed = time.GetTimestamp();
            return true;
        }
    }

    public async Task RefreshAsync(Func<CancellationToken, Task<long>> readRow, TimeProvider time, TimeSpan interval, CancellationToken ct)
    {
        await _io.WaitAsync(ct);
        try
        {
            if (!IsStale(time, interval)) return;
            var total = await readRow(ct);
            lock (_gate)
            {
                _stored = total;
                _storedAt = time.GetTimestamp();
                _loaded = true;
            }
        }
        finally
        {
            _io.Release();
        }
    }

    /// <summary>Adds the calls counted since the last flush to the row and takes its new total; on failure keeps them.</summary>
    public async Task FlushAsync(Func<long, Task<long>> addToRow, TimeProvider time, CancellationToken ct)
    {
        await _io.WaitAsync(ct);
        try
        {
            long adding;
            lock (_gate)
            {
                if (_pending == 0) return;
                adding = _inFlight = _pending;
                _pending = 0;
            }
            long total;
            try
            {
                total = await addToRow(adding);
            }
            catch
            {
                lock (_gate)
                {
                    _pending += _inFlight;
                    _inFlight = 0;
                }
                throw;
            }
            lock (_gate)
            {
                _stored = total;
                _inFlight = 0;
                _storedAt = time.GetTimestamp();
                _loaded = true;
            }
        }
        finally
        {
            _io.Release();
        }
    }

    /// <summary>Retires a tally with nothing left to write, so it can be forgotten; a caller holding it counts on a new one.</summary>
    public bool TryRetire()
    {
        lock (_gate)
        {
            if (_pending != 0 || _inFlight != 0) return false;
            _retired = true;
            return true;
        }
    }
}
