using QuantaProxy.Policy.Evaluation;
using QuantaProxy.Policy.Expressions;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy;

/// <summary>One parsed policy: its id, effect, annotations, scope and conditions.</summary>
public sealed class Policy
{
    internal Policy(string id, Effect effect, IReadOnlyDictionary<string, string> annotations, ScopeConstraint principal,
        ActionScope action, ScopeConstraint resource, IReadOnlyList<Condition> conditions, SourceLocation location)
    {
        Id = id;
        Effect = effect;
        Annotations = annotations;
        Principal = principal;
        Action = action;
        Resource = resource;
        Conditions = conditions;
        _conditions = [.. conditions];
        Location = location;
    }

    /// <summary>The <c>@id("…")</c> annotation when present, else <c>policyN</c> with N the policy's position in the text.</summary>
    public string Id { get; }

    public Effect Effect { get; }

    /// <summary>Every annotation, e.g. <c>id</c>, <c>reason</c>, <c>approval</c>; an annotation written without a value maps to "".</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; }

    public string? Annotation(string name) => Annotations.TryGetValue(name, out var v) ? v : null;

    /// <summary>Where the policy starts in the text.</summary>
    public SourceLocation Location { get; }

    internal ScopeConstraint Principal { get; }

    internal ActionScope Action { get; }

    internal ScopeConstraint Resource { get; }

    internal IReadOnlyList<Condition> Conditions { get; }

    // Iterated as an array on the hot path: no enumerator allocation per evaluation.
    private readonly Condition[] _conditions;

    /// <summary>
    /// True when the policy applies, false when not, null when its evaluation failed (the message is in the context).
    /// The scope is checked first and conditions in order, each only if all before held: Cedar's
    /// <c>scope &amp;&amp; when₁ &amp;&amp; !unless₂ …</c>, so an error after a false clause never happens.
    /// </summary>
    internal bool? Evaluate(EvaluationContext ctx)
    {
        var request = ctx.Request;
        if (!Principal.Matches(request.Principal, ctx.Entities) ||
            !Action.Matches(request.Action, ctx.Entities) ||
            !Resource.Matches(request.Resource, ctx.Entities))
        {
            return false;
        }
        foreach (var condition in _conditions)
        {
            var v = condition.Body.Evaluate(ctx);
            if (v is null)
            {
                return null;
            }
            if (v is not BoolValue b)
            {
                ctx.TypeError("bool", v, condition.Body.Location);
                return null;
            }
            if (b.Value != condition.IsWhen)
            {
                return false;
            }
        }
        return true;
    }
}
