using QuantaProxy.Gateway.Agents;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Policies;

/// <summary>
/// Reads from Okta, through the call's own integration, the facts a policy needs that the call does not carry: the
/// groups of the person an agent acts for, and (only when some policy mentions <c>target</c>) the status and groups of
/// the user the call acts on. A fact that cannot be read refuses the call (503) rather than being guessed.
/// </summary>
public sealed class PolicyFactsReader(OktaPersonDirectory people, OktaGroupDirectory groups, ILogger<PolicyFactsReader> logger)
{
    public async Task<PolicyHuman> HumanAsync(IntegrationRecord integration, OktaPerson person, CancellationToken ct)
    {
        var groups = person.GroupIds ?? (await ReadAsync(integration, person.UserId, "person", ct))?.GroupIds ?? new HashSet<string>();
        return new PolicyHuman(person.UserId, person.Login, person.Status, groups);
    }

    /// <summary>The user the call acts on (its <c>user_id</c> argument), or null when it names none or Okta does not know them.</summary>
    public async Task<PolicyTarget?> TargetAsync(IntegrationRecord integration, IReadOnlyList<OktaArgument> arguments, CancellationToken ct)
    {
        if (arguments.FirstOrDefault(a => a.Name == "user_id")?.Value is not string userId) return null;
        var target = await ReadAsync(integration, userId, "target", ct);
        return target is null ? null : new PolicyTarget(target.Status, target.GroupIds ?? new HashSet<string>());
    }

    /// <summary>The group the call acts on (its <c>group_id</c> argument), or null when it names none or Okta does not know it.</summary>
    public async Task<PolicyTargetGroup?> TargetGroupAsync(IntegrationRecord integration, IReadOnlyList<OktaArgument> arguments, CancellationToken ct)
    {
        if (arguments.FirstOrDefault(a => a.Name == "group_id")?.Value is not string groupId) return null;
        return await ReadOrRefuseAsync(() => groups.FindAsync(integration, groupId, ct), integration, "target_group");
    }

    private Task<OktaPerson?> ReadAsync(IntegrationRecord integration, string idOrLogin, string what, CancellationToken ct) =>
        ReadOrRefuseAsync(() => people.FindAsync(integration, idOrLogin, withGroups: true, ct), integration, what);

    private async Task<T?> ReadOrRefuseAsync<T>(Func<Task<T?>> read, IntegrationRecord integration, string what) where T : class
    {
        try
        {
            return await read();
        }
        catch (Exception e) when (e is OktaCallException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            logger.LogWarning("Could not read the policy facts ({What}) from Okta for integration {IntegrationId}: {Reason}", what, integration.Id, e.GetType().Name);
            throw new ApiException(503, PolicyProblemCodes.PolicyError, $"The facts the tenant's policies need ({what}) could not be read from Okta; refused until they can.", what);
        }
    }
}
