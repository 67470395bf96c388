using System.Text.Json.Nodes;
using QuantaProxy.OktaSandbox.OAuth;

namespace QuantaProxy.OktaSandbox.Governance;

/// <summary>
/// The governance reads of the Management API, in Okta's shapes: role assignments, IAM custom roles and resource sets (paged
/// in the body with <c>_links.next</c>), policies (by required <c>type</c>) and rules, consent grants, authorization servers
/// and their policies, trusted origins, group rules, network zones, identity providers and authenticators. Listings Okta
/// pages use <see cref="Paging"/>: Link <c>rel="next"</c> repeating the whole query.
/// </summary>
internal static class GovernanceApi
{
    public static void Map(WebApplication app, OrgState org, GovernanceState state)
    {
        var api = app.MapGroup("/api/v1");
        api.MapGet("/users/{id}/roles", (string id) => Assignments(org, state.UserRoles, org.Users, id, "User"));
        api.MapGet("/users/{id}/roles/{assignmentId}", (string id, string assignmentId) => Assignment(org, state.UserRoles, org.Users, id, "User", assignmentId));
        api.MapGet("/groups/{groupId}/roles", (string groupId) => Assignments(org, state.GroupRoles, org.Groups, groupId, "UserGroup"));
        api.MapGet("/groups/{groupId}/roles/{assignmentId}", (string groupId, string assignmentId) => Assignment(org, state.GroupRoles, org.Groups, groupId, "UserGroup", assignmentId));
        app.MapGet("/oauth2/v1/clients/{clientId}/roles", (string clientId) => state.ClientRoles.TryGetValue(clientId, out var roles)
            ? Array(roles) : OktaErrors.NotFound(clientId, "Client"));
        app.MapGet("/oauth2/v1/clients/{clientId}/roles/{assignmentId}", (string clientId, string assignmentId) => state.ClientRoles.TryGetValue(clientId, out var roles)
            ? One(roles, assignmentId, "RoleAssignment") : OktaErrors.NotFound(clientId, "Client"));

        api.MapGet("/iam/roles", (HttpContext http) => BodyPage(http, "roles", state.CustomRoles));
        api.MapGet("/iam/roles/{idOrLabel}", (string idOrLabel) => ByIdOrLabel(state.CustomRoles, idOrLabel, "CustomRole"));
        api.MapGet("/iam/resource-sets", (HttpContext http) => BodyPage(http, "resource-sets", state.ResourceSets));
        api.MapGet("/iam/resource-sets/{idOrLabel}", (string idOrLabel) => ByIdOrLabel(state.ResourceSets, idOrLabel, "ResourceSet"));

        api.MapGet("/policies", (HttpContext http) => Policies(http, org, state));
        api.MapGet("/policies/{policyId}", (string policyId) => Get(state.Policies, policyId, "Policy"));
        api.MapGet("/policies/{policyId}/rules", (string policyId) => state.PolicyRules.TryGetValue(policyId, out var rules)
            ? Array(rules) : OktaErrors.NotFound(policyId, "Policy"));

        api.MapGet("/apps/{appId}/grants", (string appId, HttpContext http) => org.Apps.ContainsKey(appId)
            ? Array(state.AppGrants.GetValueOrDefault(appId) ?? [], RequestUrls.Origin(http.Request)) : OktaErrors.NotFound(appId, "AppInstance"));
        api.MapGet("/users/{userId}/grants", (string userId, HttpContext http) =>
        {
            if (!org.Users.ContainsKey(userId)) return OktaErrors.NotFound(userId, "User");
            var scope = http.Request.Query["scopeId"].FirstOrDefault();
            var grants = (state.UserGrants.GetValueOrDefault(userId) ?? []).Where(g => scope is null || g.Value["scopeId"]!.GetValue<string>() == scope);
            return Paged(http, org, grants.Select(g => (g.Key, Localized(g.Value, RequestUrls.Origin(http.Request)))), 20, 200);
        });

        api.MapGet("/authorizationServers", (HttpContext http) =>
        {
            var q = http.Request.Query["q"].FirstOrDefault();
            var servers = state.AuthorizationServers.Where(s => q is null || s.Value["name"]!.GetValue<string>().StartsWith(q, StringComparison.OrdinalIgnoreCase));
            return Paged(http, org, servers.Select(s => (s.Key, Localized(s.Value, RequestUrls.Origin(http.Request)))), 200, 200);
        });
        api.MapGet("/authorizationServers/{authServerId}", (string authServerId, HttpContext http) => state.AuthorizationServers.TryGetValue(authServerId, out var server)
            ? Paging.Json(Localized(server, RequestUrls.Origin(http.Request))) : OktaErrors.NotFound(authServerId, "AuthorizationServer"));
        api.MapGet("/authorizationServers/{authServerId}/policies", (string authServerId) => state.ServerPolicies.TryGetValue(authServerId, out var policies)
            ? Array(policies) : OktaErrors.NotFound(authServerId, "AuthorizationServer"));

        api.MapGet("/trustedOrigins", (HttpContext http) =>
        {
            var q = http.Request.Query["q"].FirstOrDefault();
            var origins = state.TrustedOrigins.Where(o => q is null
                || o.Value["name"]!.GetValue<string>().Contains(q, StringComparison.OrdinalIgnoreCase)
                || o.Value["origin"]!.GetValue<string>().Contains(q, StringComparison.OrdinalIgnoreCase));
            return Paged(http, org, origins.Select(o => (o.Key, o.Value)), 20, 200);
        });
        api.MapGet("/trustedOrigins/{trustedOriginId}", (string trustedOriginId) => Get(state.TrustedOrigins, trustedOriginId, "TrustedOrigin"));

        api.MapGet("/groups/rules", (HttpContext http) =>
        {
            var search = http.Request.Query["search"].FirstOrDefault();
            var rules = state.GroupRules.Where(r => search is null || r.Value["name"]!.GetValue<string>().Contains(search, StringComparison.OrdinalIgnoreCase));
            return Paged(http, org, rules.Select(r => (r.Key, r.Value)), 50, 200);
        });
        api.MapGet("/groups/rules/{groupRuleId}", (string groupRuleId) => Get(state.GroupRules, groupRuleId, "GroupRule"));

        api.MapGet("/zones", (HttpContext http) => Paged(http, org, state.NetworkZones.Select(z => (z.Key, z.Value)), 1000, 1000));
        api.MapGet("/zones/{zoneId}", (string zoneId) => Get(state.NetworkZones, zoneId, "NetworkZone"));

        api.MapGet("/idps", (HttpContext http) =>
        {
            var q = http.Request.Query["q"].FirstOrDefault();
            var type = http.Request.Query["type"].FirstOrDefault();
            var idps = state.IdentityProviders.Where(i => (q is null || i.Value["name"]!.GetValue<string>().StartsWith(q, StringComparison.OrdinalIgnoreCase))
                                                          && (type is null || i.Value["type"]!.GetValue<string>() == type));
            return Paged(http, org, idps.Select(i => (i.Key, i.Value)), 20, 200);
        });
        api.MapGet("/idps/{idpId}", (string idpId) => Get(state.IdentityProviders, idpId, "IdentityProvider"));

        api.MapGet("/authenticators", () => Array([.. state.Authenticators.Values]));
        api.MapGet("/authenticators/{authenticatorId}", (string authenticatorId) => Get(state.Authenticators, authenticatorId, "Authenticator"));
    }

    private static IResult Policies(HttpContext http, OrgState org, GovernanceState state)
    {
        // Okta refuses a policy listing without its type.
        var type = http.Request.Query["type"].FirstOrDefault();
        if (string.IsNullOrEmpty(type)) return OktaErrors.Invalid("type: The policy type is required");
        var status = http.Request.Query["status"].FirstOrDefault();
        var q = http.Request.Query["q"].FirstOrDefault();
        var policies = state.Policies.Where(p => p.Value["type"]!.GetValue<string>() == type
                                                 && (status is null || p.Value["status"]!.GetValue<string>() == status)
                                                 && (q is null || p.Value["name"]!.GetValue<string>().Contains(q, StringComparison.OrdinalIgnoreCase)));
        return Paged(http, org, policies.Select(p => (p.Key, p.Value)), 20, 200);
    }

    private static IResult Paged(HttpContext http, OrgState org, IEnumerable<(string Key, JsonObject Value)> items, int defaultLimit, int maxLimit)
    {
        var limit = Paging.Limit(http, defaultLimit, maxLimit);
        if (limit is null) return OktaErrors.Invalid("limit: must be a positive integer");
        return Paging.Page(http, org, items.ToList(), limit.Value);
    }

    /// <summary>Okta's IAM listings: <c>{"roles": [...], "_links": {"next": {"href": ...}}}</c>, a page of 100 after the cursor.</summary>
    private static IResult BodyPage(HttpContext http, string member, List<JsonObject> items)
    {
        const int pageSize = 100;
        var after = http.Request.Query["after"].FirstOrDefault();
        var sorted = items.OrderBy(i => i["id"]!.GetValue<string>(), StringComparer.Ordinal).ToList();
        var start = after is null ? 0 : sorted.FindIndex(i => string.CompareOrdinal(i["id"]!.GetValue<string>(), after) > 0);
        if (start < 0) start = sorted.Count;
        var page = sorted.Skip(start).Take(pageSize).ToList();
        var links = new JsonObject();
        if (start + page.Count < sorted.Count)
            links["next"] = new JsonObject { ["href"] = $"{RequestUrls.Origin(http.Request)}{http.Request.Path}?after={Uri.EscapeDataString(page[^1]["id"]!.GetValue<string>())}" };
        return Paging.Json(new JsonObject { [member] = new JsonArray([.. page.Select(i => (JsonNode)i.DeepClone())]), ["_links"] = links });
    }

    private static IResult Assignments(OrgState org, Dictionary<string, List<JsonObject>> roles, SortedDictionary<string, JsonObject> owners, string ownerId, string ownerType)
    {
        lock (org.Gate)
            if (!owners.ContainsKey(ownerId)) return OktaErrors.NotFound(ownerId, ownerType);
        return Array(roles.GetValueOrDefault(ownerId) ?? []);
    }

    private static IResult Assignment(OrgState org, Dictionary<string, List<JsonObject>> roles, SortedDictionary<string, JsonObject> owners, string ownerId, string ownerType, string assignmentId)
    {
        lock (org.Gate)
            if (!owners.ContainsKey(ownerId)) return OktaErrors.NotFound(ownerId, ownerType);
        return One(roles.GetValueOrDefault(ownerId) ?? [], assignmentId, "RoleAssignment");
    }

    private static IResult One(List<JsonObject> items, string id, string type) =>
        items.FirstOrDefault(i => i["id"]!.GetValue<string>() == id) is { } item ? Paging.Json(item.DeepClone()) : OktaErrors.NotFound(id, type);

    private static IResult ByIdOrLabel(List<JsonObject> items, string idOrLabel, string type) =>
        items.FirstOrDefault(i => i["id"]!.GetValue<string>() == idOrLabel || i["label"]!.GetValue<string>() == idOrLabel) is { } item
            ? Paging.Json(item.DeepClone()) : OktaErrors.NotFound(idOrLabel, type);

    private static IResult Get(SortedDictionary<string, JsonObject> items, string id, string type) =>
        items.TryGetValue(id, out var item) ? Paging.Json(item.DeepClone()) : OktaErrors.NotFound(id, type);

    private static IResult Array(List<JsonObject> items, string? origin = null) =>
        Paging.Json(new JsonArray([.. items.Select(i => (JsonNode)(origin is null ? i.DeepClone() : Localized(i, origin)))]));

    /// <summary>A copy whose <c>issuer</c> is a URL of this org (the seeded objects hold it relative to the origin).</summary>
    private static JsonObject Localized(JsonObject item, string origin)
    {
        var copy = (JsonObject)item.DeepClone();
        if (copy["issuer"] is JsonValue issuer && issuer.GetValue<string>() is var text && (text.Length == 0 || text[0] == '/'))
            copy["issuer"] = origin + text;
        return copy;
    }
}
