using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Agents;

namespace QuantaProxy.Gateway.Hooks;

/// <summary>At most <see cref="AgentOptions.HookRequestsPerSecond"/> hook calls per tenant per second (a fixed one-second window), so a flood cannot tie up storage.</summary>
public sealed class HookRateLimiter(IOptions<AgentOptions> options, TimeProvider time)
{
    private const int MaxTenants = 100_000;
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    private sealed class Window
    {
        public long Second;
        public int Count;
    }

    public bool TryAcquire(string tenantId)
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        if (_windows.Count >= MaxTenants) _windows.Clear();
        var window = _windows.GetOrAdd(tenantId, _ => new Window());
        lock (window)
        {
            if (window.Second != second)
            {
                window.Second = second;
                window.Count = 0;
            }
            return ++window.Count <= options.Value.HookRequestsPerSecond;
        }
    }
}
