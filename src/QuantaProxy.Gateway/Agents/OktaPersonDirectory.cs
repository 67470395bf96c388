using System.Text.Json;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Caching;
using QuantaProxy.Gateway.Integrations;

namespace QuantaProxy.Gateway.Agents;

/// <summary>
/// A person's status and groups, read from Okta through the integration's own credential (<c>get_user</c>,
/// <c>list_user_groups</c>) and reused for <see cref="AgentOptions.PersonCacheTtl"/>. A hook event about the person drops
/// their entries at once; revocation itself never depends on this cache (it is written to storage).
/// </summary>
public sealed class OktaPersonDirectory(IntegrationOktaReader okta, IOptions<AgentOptions> options, TimeProvider time) : IDisposable
{
    private const int MaxEntries = 10_000;
    private const int MaxGroups = 1000;
    private readonly MetadataCache<(string Integration, string Key), OktaPerson> _cache = new(options.Value.PersonCacheTtl, MaxEntries, time);

    /// <summary>The person, or null when Okta does not know them.</summary>
    public async Task<OktaPerson?> FindAsync(IntegrationRecord integration, string idOrLogin, bool withGroups, CancellationToken ct)
    {
        if (_cache.TryGet((integration.Id, idOrLogin), out var hit) && (!withGroups || hit.GroupIds is not null))
            return hit;
        using var user = await okta.ReadAsync(integration, "get_user", new { user_id = idOrLogin }, ct);
        if (user is null) return null;
        var root = user.RootElement;
        var id = root.GetProperty("id").GetString()!;
        var login = root.TryGetProperty("profile", out var profile) && profile.TryGetProperty("login", out var l) ? l.GetString() ?? "" : "";
        var status = root.GetProperty("status").GetString() ?? "";
        HashSet<string>? groups = null;
        if (withGroups)
        {
            using var list = await okta.ReadAsync(integration, "list_user_groups", new { user_id = id }, ct);
            groups = new HashSet<string>(StringComparer.Ordinal);
            if (list is not null)
                foreach (var g in list.RootElement.EnumerateArray().Take(MaxGroups))
                    if (g.TryGetProperty("id", out var gid) && gid.ValueKind == JsonValueKind.String) groups.Add(gid.GetString()!);
        }
        var person = new OktaPerson(id, login, status, groups);
        _cache.Set((integration.Id, idOrLogin), person);
        _cache.Set((integration.Id, id), person);
        return person;
    }

    /// <summary>Drops what is cached about a person (by id or login), on every integration.</summary>
    public void Forget(string userIdOrLogin) =>
        _cache.RemoveWhere((key, person) => key.Key == userIdOrLogin || person.UserId == userIdOrLogin || person.Login == userIdOrLogin);

    public void Dispose() => _cache.Dispose();
}
