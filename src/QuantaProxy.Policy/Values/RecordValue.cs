namespace QuantaProxy.Policy.Values;

/// <summary>A Cedar record: named attributes, compared by keys and values (attribute order does not matter).</summary>
public sealed class RecordValue : Value
{
    private readonly Dictionary<string, Value> _attributes;

    public static readonly RecordValue Empty = new(new Dictionary<string, Value>(StringComparer.Ordinal));

    public RecordValue(IEnumerable<KeyValuePair<string, Value>> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        _attributes = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var (k, v) in attributes)
        {
            ArgumentNullException.ThrowIfNull(v);
            if (!_attributes.TryAdd(k, v))
            {
                throw new ArgumentException($"Duplicate record attribute '{k}'.", nameof(attributes));
            }
        }
    }

    private RecordValue(Dictionary<string, Value> owned) => _attributes = owned;

    /// <summary>Takes ownership of a dictionary the caller built and will not change again (evaluation's fast path).</summary>
    internal static RecordValue FromOwned(Dictionary<string, Value> owned) => new(owned);

    public IReadOnlyDictionary<string, Value> Attributes => _attributes;

    public bool TryGet(string name, out Value value) => _attributes.TryGetValue(name, out value!);

    public bool Has(string name) => _attributes.ContainsKey(name);

    public override ValueKind Kind => ValueKind.Record;

    public override bool Equals(Value? other)
    {
        if (other is not RecordValue r || r._attributes.Count != _attributes.Count)
        {
            return false;
        }
        foreach (var (k, v) in _attributes)
        {
            if (!r._attributes.TryGetValue(k, out var ov) || !v.Equals(ov))
            {
                return false;
            }
        }
        return true;
    }

    public override int GetHashCode()
    {
        var h = 23;
        foreach (var (k, v) in _attributes)
        {
            h += HashCode.Combine(StringComparer.Ordinal.GetHashCode(k), v.GetHashCode());
        }
        return h;
    }

    public override string ToString() =>
        "{" + string.Join(", ", _attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => StringEscaping.Quote(a.Key) + ": " + a.Value)) + "}";
}
