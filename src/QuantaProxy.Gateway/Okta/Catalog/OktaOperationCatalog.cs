using System.Collections.Frozen;
using static QuantaProxy.Gateway.Okta.Catalog.OktaQueryParameter;

namespace QuantaProxy.Gateway.Okta.Catalog;

/// <summary>
/// The Okta Management operations a caller may name. Anything not listed here cannot be called; integrations then
/// allow a subset (default deny). Bounds follow Okta's documented maxima.
/// </summary>
public sealed class OktaOperationCatalog
{
    private readonly FrozenDictionary<string, OktaOperation> _operations;

    private OktaOperationCatalog(IEnumerable<OktaOperation> operations)
    {
        _operations = operations.ToFrozenDictionary(o => o.Name, StringComparer.Ordinal);
    }

    public static OktaOperationCatalog Default { get; } = new(Build());

    public IReadOnlyCollection<OktaOperation> All => _operations.Values;

    public bool TryGet(string name, out OktaOperation operation) => _operations.TryGetValue(name, out operation!);

    private static IEnumerable<OktaOperation> Build()
    {
        string[] usersRead = [OktaScopes.UsersRead], usersManage = [OktaScopes.UsersManage];
        string[] groupsRead = [OktaScopes.GroupsRead], groupsManage = [OktaScopes.GroupsManage];
        string[] appsRead = [OktaScopes.AppsRead], logsRead = [OktaScopes.LogsRead];
        var get = HttpMethod.Get;
        var post = HttpMethod.Post;
        const OktaOperationTraits read = OktaOperationTraits.Idempotent;
        const OktaOperationTraits list = OktaOperationTraits.Idempotent | OktaOperationTraits.Paginated;
        const OktaOperationTraits idempotentWrite = OktaOperationTraits.Idempotent | OktaOperationTraits.Mutating;
        // Lifecycle transitions answer differently the second time (and may e-mail the user), so they are never retried.
        const OktaOperationTraits transition = OktaOperationTraits.Mutating;
        const OktaOperationTraits takesAway = OktaOperationTraits.Mutating | OktaOperationTraits.Destructive;

        yield return new("list_users", get, "/api/v1/users", usersRead, list,
            [Text("q", 256), Text("filter"), Text("search"), Limit(200), Cursor()]);
        yield return new("get_user", get, "/api/v1/users/{userId}", usersRead, read);
        yield return new("create_user", post, "/api/v1/users", usersManage, transition, [Flag("activate", "activate")], OktaBodyKind.CreateUser);
        // A partial profile update (POST) sets the same values however often it is sent.
        yield return new("update_user", post, "/api/v1/users/{userId}", usersManage, idempotentWrite, body: OktaBodyKind.UpdateUser);
        yield return new("deactivate_user", post, "/api/v1/users/{userId}/lifecycle/deactivate", usersManage, takesAway, [Flag("send_email", "sendEmail")]);
        yield return new("activate_user", post, "/api/v1/users/{userId}/lifecycle/activate", usersManage, transition, [Flag("send_email", "sendEmail")]);
        yield return new("suspend_user", post, "/api/v1/users/{userId}/lifecycle/suspend", usersManage, takesAway);
        yield return new("unsuspend_user", post, "/api/v1/users/{userId}/lifecycle/unsuspend", usersManage, transition);
        yield return new("clear_user_sessions", HttpMethod.Delete, "/api/v1/users/{userId}/sessions", usersManage, takesAway | OktaOperationTraits.Idempotent);
        yield return new("list_user_groups", get, "/api/v1/users/{userId}/groups", usersRead, read);
        yield return new("list_user_factors", get, "/api/v1/users/{userId}/factors", usersRead, read);

        yield return new("list_groups", get, "/api/v1/groups", groupsRead, list, [Text("q", 256), Text("filter"), Limit(10000), Cursor()]);
        yield return new("get_group", get, "/api/v1/groups/{groupId}", groupsRead, read);
        yield return new("list_group_members", get, "/api/v1/groups/{groupId}/users", groupsRead, list, [Limit(1000), Cursor()]);
        yield return new("add_user_to_group", HttpMethod.Put, "/api/v1/groups/{groupId}/users/{userId}", groupsManage, idempotentWrite);
        yield return new("remove_user_from_group", HttpMethod.Delete, "/api/v1/groups/{groupId}/users/{userId}", groupsManage, takesAway | OktaOperationTraits.Idempotent);

        yield return new("list_applications", get, "/api/v1/apps", appsRead, list, [Text("q", 256), Text("filter"), Limit(200), Cursor()]);
        yield return new("get_application", get, "/api/v1/apps/{appId}", appsRead, read);
        yield return new("list_application_users", get, "/api/v1/apps/{appId}/users", appsRead, list, [Limit(500), Cursor()]);

        yield return new("get_system_log", get, "/api/v1/logs", logsRead, list,
            [Time("since"), Time("until"), Text("filter"), Text("q", 256), Limit(1000), Cursor(),
             new OktaQueryParameter("sort_order", "sortOrder", OktaParameterKind.SortOrder, 16)]);

        foreach (var operation in OktaGovernanceOperations.Build()) yield return operation;
    }
}
