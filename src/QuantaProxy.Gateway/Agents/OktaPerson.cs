namespace QuantaProxy.Gateway.Agents;

/// <summary>A person as Okta reports them: id, login, lifecycle status and (when asked for) the ids of their groups.</summary>
public sealed record OktaPerson(string UserId, string Login, string Status, IReadOnlySet<string>? GroupIds)
{
    public bool IsActive => Status == "ACTIVE";
}
