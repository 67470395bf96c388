namespace QuantaProxy.Gateway.Okta;

public static class OktaScopes
{
    public const string UsersRead = "okta.users.read";
    public const string UsersManage = "okta.users.manage";
    public const string GroupsRead = "okta.groups.read";
    public const string GroupsManage = "okta.groups.manage";
    public const string AppsRead = "okta.apps.read";
    public const string LogsRead = "okta.logs.read";
}
