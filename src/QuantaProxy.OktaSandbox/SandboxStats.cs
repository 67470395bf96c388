using System.Collections.Concurrent;

namespace QuantaProxy.OktaSandbox;

/// <summary>What the org saw: for tests and benchmarks to check what reached "Okta".</summary>
public sealed class SandboxStats
{
    private long _requests;
    private long _createdUsers;
    private long _tokenRequests;
    private long _tokensIssued;
    private const int MaxReceived = 10_000;
    private readonly Queue<(string Method, string Target)> _received = new();

    public long Requests => Interlocked.Read(ref _requests);
    public long CreatedUsers => Interlocked.Read(ref _createdUsers);
    /// <summary>Every request to the token endpoint, whatever its answer (a DPoP nonce round counts).</summary>
    public long TokenRequests => Interlocked.Read(ref _tokenRequests);

    /// <summary>Access tokens issued.</summary>
    public long TokensIssued => Interlocked.Read(ref _tokensIssued);
    public ConcurrentDictionary<string, long> ByOperation { get; } = new(StringComparer.Ordinal);
    public ConcurrentQueue<(string RetryFor, string RetryCount)> RetryHeaders { get; } = new();

    internal void Count(string operation)
    {
        Interlocked.Increment(ref _requests);
        ByOperation.AddOrUpdate(operation, 1, static (_, n) => n + 1);
    }

    /// <summary>Method and raw request target (path and query exactly as sent) of the most recent requests, oldest first.</summary>
    public IReadOnlyList<(string Method, string Target)> Received
    {
        get
        {
            lock (_received) return [.. _received];
        }
    }

    /// <summary>Forgets what was received so far (a test's next step starts from an empty list).</summary>
    public void ClearReceived()
    {
        lock (_received) _received.Clear();
    }

    internal void Receive(string method, string target)
    {
        lock (_received)
        {
            if (_received.Count == MaxReceived) _received.Dequeue();
            _received.Enqueue((method, target));
        }
    }

    internal void UserCreated() => Interlocked.Increment(ref _createdUsers);

    internal void TokenRequested() => Interlocked.Increment(ref _tokenRequests);

    internal void TokenIssued() => Interlocked.Increment(ref _tokensIssued);
}
