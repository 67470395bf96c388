namespace QuantaProxy.Policy.Schema;

/// <summary>An action (or action group) id, the groups it belongs to, and the principal and resource types it applies to.</summary>
public sealed class ActionSchema(string id, IReadOnlyList<string>? memberOf = null, IReadOnlyList<string>? principalTypes = null, IReadOnlyList<string>? resourceTypes = null)
{
    public string Id { get; } = id;

    public IReadOnlyList<string> MemberOf { get; } = memberOf ?? [];

    /// <summary>Empty for an action group, which applies to nothing by itself.</summary>
    public IReadOnlyList<string> PrincipalTypes { get; } = principalTypes ?? [];

    public IReadOnlyList<string> ResourceTypes { get; } = resourceTypes ?? [];
}
