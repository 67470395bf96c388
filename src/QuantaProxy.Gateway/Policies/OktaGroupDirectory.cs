using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Agents;
using QuantaProxy.Gateway.Integrations;

namespace QuantaProxy.Gateway.Policies;

/// <summary>
/// The Okta group a call acts on, read through the call's own integration (<c>get_group</c>) only when a policy refers to
/// <c>target_group</c>, and reused for <see cref="PolicyOptions.TargetGroupCacheTtl"/>: group names and types change rarely,
/// and a hot path that adds people to groups should not double its Okta calls.
/// </summary>
public sealed class OktaGroupDirectory(IntegrationOktaReader okta, IOptions<PolicyOptions> options, TimeProvider time) : IDisposable
{
    private const int MaxEntries = 10_000;
    private const int MaxText = 1024;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries, Clock = new TimeProviderClock(time) });

    /// <summary>The group, or null when Okta does not know it.</summary>
    public async Task<PolicyTargetGroup?> FindAsync(IntegrationRecord integration, string groupId, CancellationToken ct)
    {
        var key = (integration.Id, groupId);
        if (_cache.TryGetValue(key, out PolicyTargetGroup? hit)) return hit;
        using var group = await okta.ReadAsync(integration, "get_group", new { group_id = groupId }, ct);
        if (group is null) return null;
        var root = group.RootElement;
        var name = root.TryGetProperty("profile", out var profile) && profile.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
        var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        var id = root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : groupId;
        // Okta's answer is bounded before a policy sees it, like every other fact.
        var found = new PolicyTargetGroup(Bound(id), Bound(name), Bound(type));
        if (options.Value.TargetGroupCacheTtl > TimeSpan.Zero)
            _cache.Set(key, found, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.Value.TargetGroupCacheTtl });
        return found;
    }

    private static string Bound(string value) => value.Length <= MaxText ? value : value[..MaxText];

    public void Dispose() => _cache.Dispose();

#pragma warning disable CS0618 // MemoryCacheOptions.Clock still takes ISystemClock; this adapts the gateway's replaceable clock to it.
    private sealed class TimeProviderClock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
#pragma warning restore CS0618
}
