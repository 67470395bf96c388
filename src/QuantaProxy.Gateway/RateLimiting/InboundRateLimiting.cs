using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;

namespace QuantaProxy.Gateway.RateLimiting;

/// <summary>Configuration section <c>QuantaProxy:RateLimits</c>: token buckets per API key and per tenant.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "QuantaProxy:RateLimits";

    /// <summary>Requests per second each API key may sustain (0 disables the limit).</summary>
    public int PerKeyPerSecond { get; set; } = 200;

    /// <summary>Burst above the sustained rate for one key.</summary>
    public int PerKeyBurst { get; set; } = 400;

    /// <summary>Requests per second all keys of one tenant may sustain together (0 disables the limit).</summary>
    public int PerTenantPerSecond { get; set; } = 1000;
}

/// <summary>
/// Inbound limits run after authentication, partitioned by API key and by tenant, so one noisy caller cannot starve the
/// others. A refusal is a 429 problem with <c>Retry-After</c>.
/// </summary>
public static class InboundRateLimiting
{
    public static IServiceCollection AddInboundRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, key: true, options.PerKeyPerSecond, Math.Max(options.PerKeyBurst, options.PerKeyPerSecond))),
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, key: false, options.PerTenantPerSecond, options.PerTenantPerSecond * 2)));
            limiter.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                await ProblemWriter.WriteAsync(context.HttpContext, 429, ProblemCodes.RateLimited,
                    "Too many requests for this API key or tenant; retry after the time in Retry-After.", retryAfter: retryAfter);
            };
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext http, bool key, int perSecond, int burst)
    {
        var caller = CallerContext.Find(http);
        if (caller is null || perSecond <= 0) return RateLimitPartition.GetNoLimiter("none");
        var id = key ? "key:" + caller.ApiKeyId : "tenant:" + (caller.TenantId ?? "admin");
        return RateLimitPartition.GetTokenBucketLimiter(id, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    internal static string Describe(RateLimitOptions o) => string.Create(CultureInfo.InvariantCulture, $"{o.PerKeyPerSecond}/s per key, {o.PerTenantPerSecond}/s per tenant");
}
