using QuantaProxy.Policy.Parsing;

namespace QuantaProxy.Policy;

/// <summary>An immutable, parsed set of policies; safe to share between threads and requests.</summary>
public sealed class PolicySet
{
    private readonly Dictionary<string, Policy> _byId;

    internal PolicySet(IReadOnlyList<Policy> policies)
    {
        Policies = policies;
        PolicyArray = [.. policies];
        _byId = new Dictionary<string, Policy>(StringComparer.Ordinal);
        foreach (var p in policies)
        {
            if (!_byId.TryAdd(p.Id, p))
            {
                throw new PolicyParseException($"duplicate policy id `{p.Id}`", p.Location);
            }
        }
    }

    public static PolicySet Empty { get; } = new([]);

    public IReadOnlyList<Policy> Policies { get; }

    internal Policy[] PolicyArray { get; }

    public bool TryGet(string id, out Policy policy) => _byId.TryGetValue(id, out policy!);

    /// <summary>Parses Cedar policy text. Throws <see cref="PolicyParseException"/> (with line and column) if it is not valid or is over <paramref name="limits"/>.</summary>
    public static PolicySet Parse(string text, PolicyLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        limits ??= PolicyLimits.Default;
        limits.Validate();
        return new PolicySet(new Parser(text, limits).ParsePolicies());
    }
}
