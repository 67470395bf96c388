using Microsoft.Extensions.Internal;

namespace QuantaProxy.Gateway.Caching;

/// <summary>The framework cache's clock, read from the gateway's <see cref="TimeProvider"/> so tests that move time move expiry too.</summary>
internal sealed class TimeProviderClock(TimeProvider time) : ISystemClock
{
    public DateTimeOffset UtcNow => time.GetUtcNow();
}
