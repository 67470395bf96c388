using QuantaProxy.Policy.Entities;
using QuantaProxy.Policy.Evaluation;

namespace QuantaProxy.Policy;

/// <summary>Cedar's authorization algorithm: default deny, any applying forbid denies, else any applying permit allows.</summary>
public static class Authorizer
{
    public static Decision IsAuthorized(Request request, EntityStore entities, PolicySet policies)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(entities);
        ArgumentNullException.ThrowIfNull(policies);
        var ctx = new EvaluationContext(request, entities);
        List<string>? permits = null;
        List<string>? forbids = null;
        List<PolicyError>? errors = null;
        foreach (var policy in policies.PolicyArray)
        {
            ctx.Reset();
            var applies = policy.Evaluate(ctx);
            if (applies is null)
            {
                (errors ??= []).Add(new PolicyError(policy.Id, $"{ctx.ErrorLocation}: {ctx.Error}"));
            }
            else if (applies.Value)
            {
                if (policy.Effect == Effect.Forbid)
                {
                    (forbids ??= []).Add(policy.Id);
                }
                else
                {
                    (permits ??= []).Add(policy.Id);
                }
            }
        }
        IReadOnlyList<PolicyError> errorList = errors is null ? [] : errors;
        if (forbids is not null)
        {
            return new Decision(DecisionKind.Deny, forbids, errorList);
        }
        if (permits is not null)
        {
            return new Decision(DecisionKind.Allow, permits, errorList);
        }
        return new Decision(DecisionKind.Deny, [], errorList);
    }
}
