using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.Governance;

/// <summary>
/// The org's governance objects, seeded once from the directory and never changed (the sandbox serves only their reads):
/// admin role assignments of users, groups and clients, custom roles and resource sets, policies and their rules, consent
/// grants, authorization servers and their policies, trusted origins, group rules, network zones, identity providers and
/// authenticators, each in Okta's shape. Collections are sorted by id, as Okta's cursors are the last id returned.
/// </summary>
internal sealed class GovernanceState
{
    private static readonly DateTimeOffset Epoch = new(2025, 2, 3, 8, 0, 0, TimeSpan.Zero);

    public GovernanceState(OrgState org, SandboxOptions options)
    {
        var userIds = org.Users.Keys.ToList();
        var groupIds = org.Groups.Keys.ToList();
        var appIds = org.Apps.Keys.ToList();

        for (var i = 0; i < 2; i++)
            CustomRoles.Add(Named(org.NewId("cr0"), $"Sandbox custom role {i}", $"Reads users and groups ({i})"));
        for (var i = 0; i < 2; i++)
            ResourceSets.Add(Named(org.NewId("iam"), $"Sandbox resource set {i}", $"Groups of team {i}"));

        // Standard roles for the first users, a custom role (bound to a resource set) for one, a group role, and the
        // service apps' roles: what a governance review lists.
        string[] standard = ["SUPER_ADMIN", "READ_ONLY_ADMIN", "USER_ADMIN"];
        for (var i = 0; i < Math.Min(standard.Length, userIds.Count); i++)
            UserRoles[userIds[i]] = [StandardRole(org.NewId("ra1"), standard[i], "USER")];
        if (userIds.Count > standard.Length && CustomRoles.Count > 0)
            UserRoles[userIds[standard.Length]] = [CustomRole(org.NewId("irb"), CustomRoles[0], ResourceSets[0], "USER")];
        if (groupIds.Count > 1) GroupRoles[groupIds[1]] = [StandardRole(org.NewId("ra1"), "HELP_DESK_ADMIN", "GROUP")];
        foreach (var app in options.ServiceApps)
            ClientRoles[app.ClientId] = [StandardRole(org.NewId("ra1"), "READ_ONLY_ADMIN", "CLIENT")];
        foreach (var app in appIds) ClientRoles.TryAdd(app, []);

        string[] policyTypes = ["OKTA_SIGN_ON", "PASSWORD", "MFA_ENROLL", "ACCESS_POLICY", "IDP_DISCOVERY", "PROFILE_ENROLLMENT"];
        var priority = 0;
        foreach (var type in policyTypes)
        {
            for (var p = 0; p < 3; p++)
            {
                var id = org.NewId("00p");
                var policy = new JsonObject
                {
                    ["id"] = id, ["type"] = type, ["name"] = p == 0 ? $"Default {type} policy" : $"{type} policy {p}",
                    ["description"] = p == 0 ? "The default policy applies when no other policy matches." : $"Sandbox {type} policy {p}",
                    ["status"] = p == 2 ? "INACTIVE" : "ACTIVE", ["priority"] = ++priority % 3 + 1, ["system"] = p == 0,
                    ["created"] = OrgState.Time(Epoch.AddHours(priority)), ["lastUpdated"] = OrgState.Time(Epoch.AddHours(priority)),
                    ["_links"] = new JsonObject(),
                };
                Policies[id] = policy;
                PolicyRules[id] = [.. Enumerable.Range(0, 2).Select(r => new JsonObject
                {
                    ["id"] = org.NewId("0pr"), ["type"] = RuleType(type), ["name"] = r == 0 ? "Default Rule" : $"Rule {r}",
                    ["status"] = "ACTIVE", ["priority"] = r + 1, ["system"] = r == 0,
                    ["created"] = OrgState.Time(Epoch.AddHours(priority)), ["lastUpdated"] = OrgState.Time(Epoch.AddHours(priority)),
                    ["_links"] = new JsonObject(),
                })];
            }
        }

        // Admin consent for the OIDC apps, end-user consent for some users (to the first app).
        foreach (var app in appIds.Where((_, i) => i % 2 == 0))
            AppGrants[app] = [Grant(org.NewId("oag"), app, null, "okta.users.read", "ADMIN"), Grant(org.NewId("oag"), app, null, "okta.groups.read", "ADMIN")];
        if (appIds.Count > 0)
            foreach (var user in userIds.Where((_, i) => i % 5 == 0))
                UserGrants[user] = [.. new[] { "openid", "profile", "email" }
                    .Select(scope => Grant(org.NewId("oag"), appIds[0], user, scope, "END_USER"))
                    .Select(g => (g["id"]!.GetValue<string>(), g)).OrderBy(g => g.Item1, StringComparer.Ordinal)];

        AuthorizationServers["default"] = Server("default", "default", "Default Authorization Server", "api://default");
        foreach (var configured in options.AuthorizationServers)
            AuthorizationServers[configured.Id] = Server(configured.Id, configured.Id, configured.Name, configured.Audience);
        var custom = org.NewId("aus");
        AuthorizationServers[custom] = Server(custom, custom, "Partner API", "api://partners");
        foreach (var server in AuthorizationServers.Keys)
            ServerPolicies[server] = [new JsonObject
            {
                ["id"] = org.NewId("00p"), ["type"] = "OAUTH_AUTHORIZATION_POLICY", ["name"] = "Default Policy",
                ["description"] = "Default policy description", ["priority"] = 1, ["status"] = "ACTIVE", ["system"] = false,
                ["conditions"] = new JsonObject { ["clients"] = new JsonObject { ["include"] = new JsonArray("ALL_CLIENTS") } },
                ["created"] = OrgState.Time(Epoch), ["lastUpdated"] = OrgState.Time(Epoch), ["_links"] = new JsonObject(),
            }];

        for (var t = 0; t < 25; t++)
        {
            var id = org.NewId("tos");
            TrustedOrigins[id] = new JsonObject
            {
                ["id"] = id, ["name"] = $"Sandbox origin {t:D2}", ["origin"] = $"https://app{t:D2}.example.com", ["status"] = t % 7 == 6 ? "INACTIVE" : "ACTIVE",
                ["scopes"] = new JsonArray(new JsonObject { ["type"] = t % 2 == 0 ? "CORS" : "REDIRECT" }),
                ["created"] = OrgState.Time(Epoch.AddDays(t)), ["createdBy"] = userIds.FirstOrDefault() ?? "00u0000000000000000",
                ["lastUpdated"] = OrgState.Time(Epoch.AddDays(t)), ["lastUpdatedBy"] = userIds.FirstOrDefault() ?? "00u0000000000000000",
                ["_links"] = new JsonObject(),
            };
        }

        for (var r = 0; r < Math.Min(60, Math.Max(0, groupIds.Count - 1) * 3); r++)
        {
            var id = org.NewId("0pr");
            GroupRules[id] = new JsonObject
            {
                ["id"] = id, ["type"] = "group_rule", ["name"] = $"Engineering rule {r:D2}", ["status"] = r % 5 == 4 ? "INACTIVE" : "ACTIVE",
                ["created"] = OrgState.Time(Epoch.AddHours(r)), ["lastUpdated"] = OrgState.Time(Epoch.AddHours(r)),
                ["conditions"] = new JsonObject { ["expression"] = new JsonObject { ["type"] = "urn:okta:expression:1.0", ["value"] = $"user.department==\"Engineering {r}\"" } },
                ["actions"] = new JsonObject { ["assignUserToGroups"] = new JsonObject { ["groupIds"] = new JsonArray(groupIds[1 + r % (groupIds.Count - 1)]) } },
            };
        }

        (string Name, bool System, string Status)[] zones = [("LegacyIpZone", true, "ACTIVE"), ("BlockedIpZone", true, "ACTIVE"), ("Office", false, "ACTIVE"), ("Old VPN", false, "INACTIVE")];
        foreach (var (name, system, status) in zones)
        {
            var id = org.NewId("nzo");
            NetworkZones[id] = new JsonObject
            {
                ["id"] = id, ["type"] = "IP", ["name"] = name, ["status"] = status, ["system"] = system,
                ["usage"] = name == "BlockedIpZone" ? "BLOCKLIST" : "POLICY",
                ["gateways"] = new JsonArray(new JsonObject { ["type"] = "CIDR", ["value"] = "198.51.100.0/24" }),
                ["proxies"] = null,
                ["created"] = OrgState.Time(Epoch), ["lastUpdated"] = OrgState.Time(Epoch), ["_links"] = new JsonObject(),
            };
        }

        (string Type, string Name, string Protocol)[] idps = [("GOOGLE", "Google", "OIDC"), ("SAML2", "Partner SAML", "SAML2"), ("OIDC", "Contractor OIDC", "OIDC")];
        foreach (var (type, name, protocol) in idps)
        {
            var id = org.NewId("0oa");
            IdentityProviders[id] = new JsonObject
            {
                ["id"] = id, ["type"] = type, ["name"] = name, ["status"] = "ACTIVE", ["issuerMode"] = "DYNAMIC",
                ["protocol"] = new JsonObject { ["type"] = protocol },
                ["policy"] = new JsonObject { ["provisioning"] = new JsonObject { ["action"] = "AUTO" }, ["maxClockSkew"] = 0 },
                ["properties"] = null,
                ["created"] = OrgState.Time(Epoch), ["lastUpdated"] = OrgState.Time(Epoch), ["_links"] = new JsonObject(),
            };
        }

        (string Key, string Type, string Name)[] authenticators =
            [("okta_password", "password", "Password"), ("okta_email", "email", "Email"), ("okta_verify", "app", "Okta Verify"), ("phone_number", "phone", "Phone")];
        foreach (var (key, type, name) in authenticators)
        {
            var id = org.NewId("aut");
            Authenticators[id] = new JsonObject
            {
                ["id"] = id, ["key"] = key, ["type"] = type, ["name"] = name, ["status"] = key == "phone_number" ? "INACTIVE" : "ACTIVE",
                ["created"] = OrgState.Time(Epoch), ["lastUpdated"] = OrgState.Time(Epoch), ["_links"] = new JsonObject(),
            };
        }
    }

    public Dictionary<string, List<JsonObject>> UserRoles { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<JsonObject>> GroupRoles { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<JsonObject>> ClientRoles { get; } = new(StringComparer.Ordinal);
    public List<JsonObject> CustomRoles { get; } = [];
    public List<JsonObject> ResourceSets { get; } = [];
    public SortedDictionary<string, JsonObject> Policies { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<JsonObject>> PolicyRules { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<JsonObject>> AppGrants { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<(string Key, JsonObject Value)>> UserGrants { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, JsonObject> AuthorizationServers { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<JsonObject>> ServerPolicies { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, JsonObject> TrustedOrigins { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, JsonObject> GroupRules { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, JsonObject> NetworkZones { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, JsonObject> IdentityProviders { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, JsonObject> Authenticators { get; } = new(StringComparer.Ordinal);

    private static string RuleType(string policyType) => policyType switch
    {
        "OKTA_SIGN_ON" => "SIGN_ON",
        "MFA_ENROLL" => "MFA_ENROLL",
        "ACCESS_POLICY" => "ACCESS_POLICY",
        "IDP_DISCOVERY" => "IDP_DISCOVERY",
        "PROFILE_ENROLLMENT" => "PROFILE_ENROLLMENT",
        _ => "PASSWORD",
    };

    private static JsonObject Named(string id, string label, string description) => new()
    {
        ["id"] = id, ["label"] = label, ["description"] = description,
        ["created"] = OrgState.Time(Epoch), ["lastUpdated"] = OrgState.Time(Epoch), ["_links"] = new JsonObject(),
    };

    private static JsonObject StandardRole(string id, string type, string assignee) => new()
    {
        ["id"] = id, ["type"] = type, ["label"] = Label(type), ["status"] = "ACTIVE", ["assignmentType"] = assignee,
        ["created"] = OrgState.Time(Epoch), ["lastUpdated"] = OrgState.Time(Epoch), ["_links"] = new JsonObject(),
    };

    private static JsonObject CustomRole(string id, JsonObject role, JsonObject resourceSet, string assignee) => new()
    {
        ["id"] = id, ["type"] = "CUSTOM", ["label"] = role["label"]!.DeepClone(), ["status"] = "ACTIVE", ["assignmentType"] = assignee,
        ["role"] = role["id"]!.DeepClone(), ["resource-set"] = resourceSet["id"]!.DeepClone(),
        ["created"] = OrgState.Time(Epoch), ["lastUpdated"] = OrgState.Time(Epoch), ["_links"] = new JsonObject(),
    };

    private static string Label(string type) => type switch
    {
        "SUPER_ADMIN" => "Super Administrator",
        "READ_ONLY_ADMIN" => "Read-only Administrator",
        "USER_ADMIN" => "Group Administrator",
        "HELP_DESK_ADMIN" => "Help Desk Administrator",
        _ => type,
    };

    private static JsonObject Grant(string id, string clientId, string? userId, string scope, string source)
    {
        var grant = new JsonObject
        {
            ["id"] = id, ["status"] = "ACTIVE", ["clientId"] = clientId, ["scopeId"] = scope, ["source"] = source,
            ["issuer"] = "", ["created"] = OrgState.Time(Epoch), ["lastUpdated"] = OrgState.Time(Epoch),
            ["createdBy"] = new JsonObject { ["id"] = clientId, ["type"] = "Client" }, ["_links"] = new JsonObject(),
        };
        if (userId is not null) grant["userId"] = userId;
        return grant;
    }

    private static JsonObject Server(string id, string path, string name, string audience) => new()
    {
        ["id"] = id, ["name"] = name, ["description"] = $"{name} (sandbox)", ["audiences"] = new JsonArray(audience),
        ["issuerMode"] = "ORG_URL", ["status"] = "ACTIVE", ["issuer"] = "/oauth2/" + path,
        ["credentials"] = new JsonObject { ["signing"] = new JsonObject { ["rotationMode"] = "AUTO", ["use"] = "sig" } },
        ["created"] = OrgState.Time(Epoch), ["lastUpdated"] = OrgState.Time(Epoch), ["_links"] = new JsonObject(),
    };
}
