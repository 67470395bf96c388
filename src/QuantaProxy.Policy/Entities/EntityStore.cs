using System.Collections.Concurrent;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Entities;

/// <summary>
/// The entities a request is evaluated against. Ancestors are computed once per entity, on its first <c>in</c>,
/// by a breadth-first walk over parents present in the store (cycles and missing parents are harmless), which is what
/// Cedar's transitive closure of the same data yields.
/// </summary>
public sealed class EntityStore
{
    private readonly Dictionary<EntityUid, Entity> _entities;
    // Per store, not per entity: the same Entity object may sit in stores whose other entities differ.
    private readonly ConcurrentDictionary<EntityUid, HashSet<EntityUid>> _ancestors = new();

    public static readonly EntityStore Empty = new([]);

    public EntityStore(IEnumerable<Entity> entities)
    {
        ArgumentNullException.ThrowIfNull(entities);
        _entities = [];
        foreach (var e in entities)
        {
            if (!_entities.TryAdd(e.Uid, e))
            {
                throw new ArgumentException($"Duplicate entity {e.Uid}.", nameof(entities));
            }
        }
    }

    public int Count => _entities.Count;

    public bool TryGet(EntityUid uid, out Entity entity) => _entities.TryGetValue(uid, out entity!);

    /// <summary>Cedar's <c>child in ancestor</c> for two entity uids: equal, or an ancestor through parents.</summary>
    public bool IsInHierarchy(EntityUid child, EntityUid ancestor)
    {
        if (child.Equals(ancestor))
        {
            return true;
        }
        return _entities.TryGetValue(child, out var entity) && AncestorsOf(entity).Contains(ancestor);
    }

    internal HashSet<EntityUid> AncestorsOf(Entity entity)
    {
        if (_ancestors.TryGetValue(entity.Uid, out var cached))
        {
            return cached;
        }
        var ancestors = new HashSet<EntityUid>();
        var queue = new Queue<EntityUid>(entity.Parents);
        while (queue.Count > 0)
        {
            var next = queue.Dequeue();
            if (!ancestors.Add(next))
            {
                continue;
            }
            if (_entities.TryGetValue(next, out var parent))
            {
                foreach (var p in parent.Parents)
                {
                    queue.Enqueue(p);
                }
            }
        }
        // Two threads may compute the same set at once; either result is correct, so the race is harmless.
        return _ancestors.GetOrAdd(entity.Uid, ancestors);
    }
}
