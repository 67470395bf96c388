using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using QuantaProxy.Gateway.Okta;

namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>
/// The whole resilience policy for Okta calls, composed here and nowhere else. Per integration: a concurrency bound and
/// one pipeline of timeout (the call's deadline) → retry (429 until reset within deadline and budget; 5xx/transport only
/// for idempotent operations or when the request certainly never left) → circuit breaker (consecutive 5xx/transport
/// failures open it).
/// </summary>
public sealed class OktaResilience(IOptions<OktaOptions> options, TimeProvider time)
{
    internal static readonly ResiliencePropertyKey<OktaCallState> StateKey = new("qp.okta.state");
    private const int TransientRetryLimit = 2;
    private static readonly TimeSpan MaxJitter = TimeSpan.FromMilliseconds(250);

    private readonly OktaOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    internal sealed record Lane(ResiliencePipeline<OktaAttempt> Pipeline, SemaphoreSlim Concurrency)
    {
        public long LastUsedTicks;
    }

    /// <summary>Lanes kept at most; past it, lanes idle for <see cref="IdleLaneLifetime"/> are dropped.</summary>
    internal const int MaxLanes = 10_000;
    internal static readonly TimeSpan IdleLaneLifetime = TimeSpan.FromMinutes(10);

    public TimeSpan CallTimeout => _options.CallTimeout;

    internal int LaneCount => _lanes.Count;

    internal Lane For(string integrationId)
    {
        var lane = _lanes.GetOrAdd(integrationId, _ => new Lane(Build(), new SemaphoreSlim(_options.MaxConcurrencyPerIntegration)));
        Volatile.Write(ref lane.LastUsedTicks, time.GetUtcNow().UtcTicks);
        if (_lanes.Count > MaxLanes) EvictIdle();
        return lane;
    }

    /// <summary>
    /// Drops lanes with no call in flight and none for a while (an idle lane's circuit is closed again by then anyway);
    /// if every lane is busy the map may stay over the bound until some go idle, never dropping a lane in use.
    /// </summary>
    private void EvictIdle()
    {
        var cutoff = (time.GetUtcNow() - IdleLaneLifetime).UtcTicks;
        foreach (var (id, lane) in _lanes)
        {
            if (Volatile.Read(ref lane.LastUsedTicks) < cutoff && lane.Concurrency.CurrentCount == _options.MaxConcurrencyPerIntegration)
                _lanes.TryRemove(new KeyValuePair<string, Lane>(id, lane));
        }
    }

    private ResiliencePipeline<OktaAttempt> Build()
    {
        var builder = new ResiliencePipelineBuilder<OktaAttempt> { TimeProvider = time };
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = _options.CallTimeout });
        builder.AddRetry(new RetryStrategyOptions<OktaAttempt>
        {
            MaxRetryAttempts = Math.Max(1, _options.RetryBudget + TransientRetryLimit),
            BackoffType = DelayBackoffType.Constant,
            UseJitter = false,
            ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context.Properties.GetValue(StateKey, null!), args.Outcome)),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Context.Properties.GetValue(StateKey, null!).NextDelay),
        });
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<OktaAttempt>
        {
            // Every call in the window failed and there were at least N of them: in practice N consecutive failures.
            FailureRatio = 1.0,
            MinimumThroughput = _options.CircuitBreakerFailures,
            SamplingDuration = _options.CircuitBreakDuration,
            BreakDuration = _options.CircuitBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsUpstreamFailure(args.Outcome)),
        });
        return builder.Build();
    }

    private static bool IsUpstreamFailure(Outcome<OktaAttempt> outcome) =>
        outcome.Exception is OktaTransportException || outcome.Result is { Status: >= 500 };

    private bool ShouldRetry(OktaCallState state, Outcome<OktaAttempt> outcome)
    {
        var now = time.GetUtcNow();
        if (outcome.Result is { Status: 429 } limited)
        {
            if (state.RateLimitRetries >= _options.RetryBudget) return false;
            var wait = RateLimitWait(limited, now) + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)MaxJitter.TotalMilliseconds + 1));
            if (wait > _options.MaxRetryWait || now + wait >= state.Deadline) return false;
            state.RateLimitRetries++;
            state.RetryFor ??= limited.RequestId;
            state.NextDelay = wait;
            return true;
        }
        var certainlyUnsent = outcome.Exception is OktaTransportException { MayHaveReachedOkta: false } && !state.MayHaveReachedOkta;
        var transient = outcome.Exception is OktaTransportException || outcome.Result is { Status: >= 500 };
        if (!transient || state.TransientRetries >= TransientRetryLimit) return false;
        if (!state.Operation.Idempotent && !certainlyUnsent) return false;
        state.NextDelay = TimeSpan.FromMilliseconds(100 * (1 << state.TransientRetries));
        if (now + state.NextDelay >= state.Deadline) return false;
        state.TransientRetries++;
        return true;
    }

    /// <summary>Time until Okta's X-Rate-Limit-Reset (Unix seconds); one second when Okta did not say.</summary>
    internal static TimeSpan RateLimitWait(OktaAttempt attempt, DateTimeOffset now)
    {
        if (attempt.Number("X-Rate-Limit-Reset") is not { } reset) return TimeSpan.FromSeconds(1);
        var wait = DateTimeOffset.FromUnixTimeSeconds(Math.Min(reset, 253402300799)) - now;
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
    }

    internal static bool IsTimeout(Exception e) => e is TimeoutRejectedException;
    internal static bool IsOpenCircuit(Exception e, out TimeSpan? retryAfter)
    {
        retryAfter = (e as BrokenCircuitException)?.RetryAfter;
        return e is BrokenCircuitException;
    }
}
