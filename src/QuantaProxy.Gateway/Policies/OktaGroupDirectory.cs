using System.Text.Json;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Agents;
using QuantaProxy.Gateway.Caching;
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
    private readonly MetadataCache<(string Integration, string Group), PolicyTargetGroup> _cache = new(options.Value.TargetGroupCacheTtl, MaxEntries, time);

    /// <summary>The group, or null when Okta does not know it.</summary>
    public async Task<PolicyTargetGroup?> FindAsync(IntegrationRecord integration, string groupId, CancellationToken ct)
    {
        var key = (integration.Id, groupId);
        if (_cache.TryGet(key, out var hit)) return hit;
        using var group = await okta.ReadAsync(integration, "get_group", new { group_id = groupId }, ct);
        if (group is null) return null;
        var root = group.RootElement;
        var name = root.TryGetProperty("profile", out var profile) && profile.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
        var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
        var id = root.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : groupId;
        // Okta's answer is bounded before a policy sees it, like every other fact.
        var found = new PolicyTargetGroup(Bound(id), Bound(name), Bound(type));
        _cache.Set(key, found);
        return found;
    }

    private static string Bound(string value) => value.Length <= MaxText ? value : value[..MaxText];

    public void Dispose() => _cache.Dispose();
}
