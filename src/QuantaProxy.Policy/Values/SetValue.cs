namespace QuantaProxy.Policy.Values;

/// <summary>
/// A Cedar set: unordered, without duplicates, compared as a set. Small sets are scanned; a hash set is built
/// once, on first use, only for larger ones, because most sets in policies have a handful of elements.
/// </summary>
public sealed class SetValue : Value
{
    private const int HashThreshold = 8;
    private readonly Value[] _items;
    private HashSet<Value>? _lookup;
    private int _hash;

    public static readonly SetValue Empty = new([]);

    public SetValue(IEnumerable<Value> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var distinct = new List<Value>();
        HashSet<Value>? seen = null;
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item);
            if (distinct.Count < HashThreshold)
            {
                if (!distinct.Contains(item))
                {
                    distinct.Add(item);
                }
                continue;
            }
            seen ??= [.. distinct];
            if (seen.Add(item))
            {
                distinct.Add(item);
            }
        }
        _items = [.. distinct];
        _lookup = seen;
    }

    public IReadOnlyList<Value> Items => _items;

    public int Count => _items.Length;

    public override ValueKind Kind => ValueKind.Set;

    public bool Contains(Value v)
    {
        if (_items.Length <= HashThreshold)
        {
            foreach (var item in _items)
            {
                if (item.Equals(v))
                {
                    return true;
                }
            }
            return false;
        }
        var lookup = _lookup;
        if (lookup is null)
        {
            lookup = [.. _items];
            _lookup = lookup;
        }
        return lookup.Contains(v);
    }

    /// <summary>Whether every element of <paramref name="other"/> is in this set.</summary>
    public bool ContainsAll(SetValue other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var item in other._items)
        {
            if (!Contains(item))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether some element of <paramref name="other"/> is in this set.</summary>
    public bool ContainsAny(SetValue other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var item in other._items)
        {
            if (Contains(item))
            {
                return true;
            }
        }
        return false;
    }

    public override bool Equals(Value? other) =>
        other is SetValue s && (ReferenceEquals(s, this) || (s.Count == Count && ContainsAll(s)));

    public override int GetHashCode()
    {
        if (_hash == 0)
        {
            // Order-independent: equal sets list their elements in any order.
            var h = 17;
            foreach (var item in _items)
            {
                h += item.GetHashCode();
            }
            _hash = h == 0 ? 1 : h;
        }
        return _hash;
    }

    public override string ToString() => "[" + string.Join(", ", _items.Select(i => i.ToString())) + "]";
}
