using System.Globalization;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Agents;

/// <summary>
/// The agent check of the proxy path, after the integration's allow-list: an agent must be registered and allowed the
/// operation; when its token names a person, an active, unexpired delegation from that person (or from a group they are
/// in) must cover it, and Okta must say the person is active and not have told us to stop acting for them. Both
/// subjects are checked; the refusal names the one that failed. API-key callers pass through unchanged.
/// </summary>
public sealed class DelegationGate(AgentStore agents, DelegationStore delegations, OktaPersonDirectory people, TimeProvider time, ILogger<DelegationGate> logger)
{
    public async Task<GateDecision> CheckAsync(CallerContext caller, string tenantId, IntegrationRecord integration, OktaOperation operation,
        ValidatedOktaRequest request, CancellationToken ct)
    {
        _ = request; // the decision is on the operation; the request is here so later checks (e.g. on its target) need no new signature
        if (caller.Agent is not { } identity) return GateDecision.NotAnAgent;
        var chain = identity.ActChain.Count > 1 ? ";act_chain=" + string.Join('>', identity.ActChain) : "";
        var agent = await agents.FindByClientAsync(tenantId, identity.TrustedIssuerId, identity.ClientId, ct);
        if (agent is null)
            return Refuse(null, "agent=unregistered" + chain, 403, AgentProblemCodes.AgentNotRegistered, "agent", "The agent is not registered with this tenant.");
        var detail = $"agent={agent.Id}{chain}";
        if (!agent.Allows(integration.Id, operation.Name))
            return Refuse(null, detail, 403, AgentProblemCodes.AgentNotAllowed, "agent", $"The agent is not allowed '{operation.Name}' on this integration.");
        if (identity.Human is not { } human) return new GateDecision(null, null, detail, null) { AgentRecordId = agent.Id };

        var now = time.GetUtcNow();
        var candidates = (await delegations.ActiveForAsync(tenantId, agent.Id, integration.Id, ct))
            .Where(d => d.Operations.Contains(operation.Name, StringComparer.Ordinal) && DateTimeOffset.Parse(d.ExpiresAt, CultureInfo.InvariantCulture) > now)
            .ToList();
        OktaPerson? person;
        try
        {
            person = await people.FindAsync(integration, human.LookupKey, candidates.Any(d => d.SubjectType == DelegationSubjects.Group), ct);
        }
        catch (Exception e) when (e is OktaCallException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            logger.LogWarning("Could not read a person's status from Okta for integration {IntegrationId}: {Reason}", integration.Id, e.GetType().Name);
            return Refuse(null, detail, 503, AgentProblemCodes.PersonStatusUnavailable, "human", "The person's status could not be read from Okta; refused until it can.");
        }
        if (person is null) return Refuse(null, detail, 403, AgentProblemCodes.PersonUnknown, "human", "Okta does not know the person the token names.");
        // A token naming both an id and a login must name one person (Okta's answer for the id must carry that login).
        if ((human.UserId is not null && human.UserId != person.UserId) ||
            (human.Login is not null && !string.Equals(human.Login, person.Login, StringComparison.OrdinalIgnoreCase)))
            return Refuse(person.UserId, detail, 403, AgentProblemCodes.PersonMismatch, "human", "The token's person id and login are not the same Okta user.");
        if (!person.IsActive) return Refuse(person.UserId, detail, 403, AgentProblemCodes.PersonInactive, "human", $"The person is not active in Okta ({person.Status}).");
        var blocks = await delegations.BlocksForAsync(tenantId, person.UserId, ct);
        if (blocks.Contains(""))
            return Refuse(person.UserId, detail, 403, AgentProblemCodes.PersonSuspended, "human", "Okta reported this person deactivated, suspended or signed out; their delegations are suspended until restored.");

        var delegation = candidates.FirstOrDefault(d => d.SubjectType == DelegationSubjects.User && d.SubjectId == person.UserId)
            ?? candidates.FirstOrDefault(d => d.SubjectType == DelegationSubjects.Group && person.GroupIds?.Contains(d.SubjectId) == true && !blocks.Contains(d.SubjectId));
        if (delegation is null)
            return Refuse(person.UserId, detail, 403, AgentProblemCodes.NoDelegation, "human", $"No active delegation from this person lets the agent use '{operation.Name}' on this integration.");
        detail = $"delegation={delegation.Id};{detail}";
        if (delegation.CallsPerDay is { } limit && !await delegations.TryCountCallAsync(delegation.Id, now.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), limit, ct))
            return Refuse(person.UserId, detail, 429, AgentProblemCodes.DelegationQuotaExceeded, "human", $"The delegation's {limit} calls for today are used up.");
        return new GateDecision(null, person.UserId, detail, delegation.Id) { AgentRecordId = agent.Id, Person = person };
    }

    private static GateDecision Refuse(string? onBehalfOf, string detail, int status, string code, string subject, string message) =>
        new(new ApiException(status, code, message, subject), onBehalfOf, detail, null);
}
