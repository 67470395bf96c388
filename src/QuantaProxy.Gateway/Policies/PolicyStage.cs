using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Proxy.Pipeline;

namespace QuantaProxy.Gateway.Policies;

/// <summary>
/// After the delegation check: the tenant's kill switches (integration, agent, API key), then — when the tenant has an
/// active policy set — its Cedar policies on the call's facts. A forbid, no permit, or any evaluation error refuses the
/// call (403, fail closed); every later event of the call names the policy set's hash and the determining policies.
/// Without a policy set the call goes on as before (allow-list and delegations only).
/// </summary>
public sealed class PolicyStage(PolicyCache policies, KillSwitchCache killSwitches, DailyCallCounter callCounter, PolicyFactsReader facts,
    ApprovalService approvals, ProxyDenials denials, TimeProvider time) : IOutboundStage
{
    public async ValueTask<bool> RunAsync(OutboundCall outbound, CancellationToken ct)
    {
        await CheckKillSwitchesAsync(outbound, ct);
        ActivePolicySet? set;
        try
        {
            set = await policies.GetAsync(outbound.TenantId, ct);
        }
        catch (ApiException broken)
        {
            throw await denials.RecordAsync(outbound, broken);
        }
        if (set is null) return true;

        PolicyFacts callFacts;
        try
        {
            callFacts = await FactsAsync(set, outbound, ct);
        }
        catch (ApiException unavailable)
        {
            AppendDetail(outbound, $"policy={set.ShortHash};policies=");
            throw await denials.RecordAsync(outbound, unavailable);
        }
        var outcome = PolicyEvaluator.Evaluate(set, callFacts);
        AppendDetail(outbound, outcome.AuditDetail(set));
        if (outcome.Allowed) return true;
        if (outcome.NeedsApproval && outbound.ApprovalId is null)
        {
            // Held: stored (payload sealed) and answered 202; it runs when the approvals arrive.
            outbound.HeldForApproval = await approvals.HoldAsync(outbound, outcome, ct);
            return false;
        }
        if (outcome.NeedsApproval && outbound.Approvals >= outcome.ApprovalsRequired)
        {
            AppendDetail(outbound, $"approval={outbound.ApprovalId}");
            return true;
        }
        var code = outcome.Failed ? PolicyProblemCodes.PolicyError : PolicyProblemCodes.PolicyDenied;
        throw await denials.RecordAsync(outbound, new ApiException(403, code, outcome.Message(outbound.ResolvedOperation.Name), "policy"));
    }

    /// <summary>The principal a caller is to the policies.</summary>
    public static PolicyPrincipal PrincipalOf(CallerContext caller, string tenantId) => caller.Agent is { } agent
        ? PolicyPrincipal.Agent(agent.Issuer, agent.ClientId, tenantId)
        : PolicyPrincipal.ApiKey(caller.ApiKeyId, tenantId);

    private async Task<PolicyFacts> FactsAsync(ActivePolicySet set, OutboundCall outbound, CancellationToken ct)
    {
        var integration = outbound.ResolvedIntegration;
        var arguments = outbound.Request!.Arguments;
        var principal = PrincipalOf(outbound.Caller, outbound.TenantId);
        var now = time.GetUtcNow();
        var human = outbound.Human is { } person ? await facts.HumanAsync(integration, person, ct) : null;
        var target = set.RefersToTarget ? await facts.TargetAsync(integration, arguments, ct) : null;
        var group = set.RefersToTargetGroup ? await facts.TargetGroupAsync(integration, arguments, ct) : null;
        var callsToday = set.RefersToCallsToday ? await callCounter.CountAsync(outbound.TenantId, principal.CountKey, PolicyFacts.Day(now), ct) : 0;
        return new PolicyFacts(principal, outbound.ResolvedOperation, integration, human, arguments, target, now, callsToday, group);
    }

    private async Task CheckKillSwitchesAsync(OutboundCall outbound, CancellationToken ct)
    {
        var switches = await killSwitches.GetAsync(outbound.TenantId, ct);
        if (switches.Count == 0) return;
        var hit = switches.FirstOrDefault(k => k.TargetType switch
        {
            KillSwitchTargets.Integration => k.TargetId == outbound.ResolvedIntegration.Id,
            KillSwitchTargets.Agent => k.TargetId == outbound.AgentRecordId,
            KillSwitchTargets.ApiKey => outbound.Caller.Agent is null && k.TargetId == outbound.Caller.ApiKeyId,
            _ => false,
        });
        if (hit is null) return;
        AppendDetail(outbound, $"kill_switch={hit.Id}");
        throw await denials.RecordAsync(outbound, new ApiException(403, PolicyProblemCodes.KillSwitch,
            $"A kill switch stops every call of this {hit.TargetType.Replace('_', ' ')} ({hit.Id}: {hit.Reason}).", hit.TargetType));
    }

    private static void AppendDetail(OutboundCall outbound, string detail) =>
        outbound.Audit.DetailSuffix = string.IsNullOrEmpty(outbound.Audit.DetailSuffix) ? detail : $"{outbound.Audit.DetailSuffix};{detail}";
}
