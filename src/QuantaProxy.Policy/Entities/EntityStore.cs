using System.Collections.Concurrent;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Entities;

/// <summary>
/// The entities a request is evaluated against. Ancestors are computed once per entity, on its first <c>in</c>,
/// by a breadth-first walk over parents present in the store (cycles and missing parents are harmless), which is what
/// Cedar's transitive closure of the same data yields. Like Cedar, the store refuses a parent graph with a cycle.
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
        if (FindCycle() is { } member)
        {
            throw new ArgumentException($"The entity hierarchy has a cycle containing {member}.", nameof(entities));
        }
    }

    /// <summary>An entity on a parent cycle, if there is one (iterative depth-first search: no recursion on deep hierarchies).</summary>
    private EntityUid? FindCycle()
    {
        const byte onPath = 1, done = 2;
        var state = new Dictionary<EntityUid, byte>();
        var stack = new Stack<(Entity Entity, int NextParent)>();
        foreach (var root in _entities.Values)
        {
            if (state.ContainsKey(root.Uid))
            {
                continue;
            }
            state[root.Uid] = onPath;
            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (entity, next) = stack.Pop();
                if (next >= entity.Parents.Count)
                {
                    state[entity.Uid] = done;
                    continue;
                }
                stack.Push((entity, next + 1));
                var parentUid = entity.Parents[next];
                if (!_entities.TryGetValue(parentUid, out var parent))
                {
                    continue;
                }
                if (state.TryGetValue(parentUid, out var s))
                {
                    if (s == onPath)
                    {
                        return parentUid;
                    }
                    continue;
                }
                state[parentUid] = onPath;
                stack.Push((parent, 0));
            }
        }
        return null;
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
