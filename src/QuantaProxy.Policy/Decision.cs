namespace QuantaProxy.Policy;

/// <summary>
/// The answer to a request, as Cedar gives it: Allow only when some permit applies and no forbid applies.
/// <see cref="DeterminingPolicies"/> are the forbids that applied (for Deny) or the permits that applied (for Allow),
/// in policy-set order; <see cref="Errors"/> are the policies whose evaluation failed. Cedar ignores erroring policies;
/// a caller that wants to fail closed checks <see cref="Errors"/> itself.
/// </summary>
public sealed class Decision(DecisionKind kind, IReadOnlyList<string> determiningPolicies, IReadOnlyList<PolicyError> errors)
{
    public DecisionKind Kind { get; } = kind;

    public bool IsAllowed => Kind == DecisionKind.Allow;

    public IReadOnlyList<string> DeterminingPolicies { get; } = determiningPolicies;

    public IReadOnlyList<PolicyError> Errors { get; } = errors;
}
