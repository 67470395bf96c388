namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>Why a registry change did not happen.</summary>
internal enum HookChange
{
    Done,
    NotFound,
    Full,
    StillActive,
}

/// <summary>The org's event hooks, in creation order. Each change swaps in a new immutable <see cref="EventHook"/>.</summary>
internal sealed class EventHookRegistry(OrgState org, int maxHooks, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly List<EventHook> _hooks = [];

    public IReadOnlyList<EventHook> All()
    {
        lock (_gate) return [.. _hooks];
    }

    public EventHook? Find(string id)
    {
        lock (_gate) return _hooks.Find(h => h.Id == id);
    }

    /// <summary>Hooks that get an event of this type: ACTIVE, VERIFIED and subscribed.</summary>
    public IReadOnlyList<EventHook> Subscribers(string eventType)
    {
        lock (_gate) return _hooks.Where(h => h.Active && h.Verified && h.EventTypes.Contains(eventType)).ToList();
    }

    /// <summary>A new hook, ACTIVE and UNVERIFIED as Okta creates it; null when the org has its maximum.</summary>
    public EventHook? Create(EventHookDefinition definition)
    {
        var now = OrgState.Time(clock.GetUtcNow());
        var hook = new EventHook(org.NewId("who"), definition.Name, definition.Description, Active: true, Verified: false, definition.EventTypes,
            definition.Uri, definition.Headers, definition.AuthKey, definition.AuthValue, now, now);
        lock (_gate)
        {
            if (_hooks.Count >= maxHooks) return null;
            _hooks.Add(hook);
        }
        return hook;
    }

    /// <summary>Replaces the hook's settings; a changed channel (URI, headers or auth) must be verified again, as in Okta.</summary>
    public (HookChange Change, EventHook? Hook) Replace(string id, EventHookDefinition definition) => Update(id, h =>
    {
        var sameChannel = h.Uri == definition.Uri && h.Headers.SequenceEqual(definition.Headers) && h.AuthKey == definition.AuthKey && h.AuthValue == definition.AuthValue;
        return h with
        {
            Name = definition.Name, Description = definition.Description, EventTypes = definition.EventTypes, Uri = definition.Uri,
            Headers = definition.Headers, AuthKey = definition.AuthKey, AuthValue = definition.AuthValue, Verified = h.Verified && sameChannel,
        };
    });

    public (HookChange Change, EventHook? Hook) SetActive(string id, bool active) => Update(id, h => h with { Active = active });

    /// <summary>Marks the hook verified, unless its channel changed while the verification call was out.</summary>
    public (HookChange Change, EventHook? Hook) MarkVerified(string id, EventHook verifiedAs) =>
        Update(id, h => h.Uri == verifiedAs.Uri && h.Headers.SequenceEqual(verifiedAs.Headers) && h.AuthKey == verifiedAs.AuthKey && h.AuthValue == verifiedAs.AuthValue
            ? h with { Verified = true }
            : h);

    /// <summary>Deletes an INACTIVE hook (Okta refuses to delete an active one).</summary>
    public HookChange Delete(string id)
    {
        lock (_gate)
        {
            var index = _hooks.FindIndex(h => h.Id == id);
            if (index < 0) return HookChange.NotFound;
            if (_hooks[index].Active) return HookChange.StillActive;
            _hooks.RemoveAt(index);
            return HookChange.Done;
        }
    }

    private (HookChange, EventHook?) Update(string id, Func<EventHook, EventHook> change)
    {
        var now = OrgState.Time(clock.GetUtcNow());
        lock (_gate)
        {
            var index = _hooks.FindIndex(h => h.Id == id);
            if (index < 0) return (HookChange.NotFound, null);
            var updated = change(_hooks[index]);
            if (updated != _hooks[index]) updated = updated with { LastUpdated = now };
            _hooks[index] = updated;
            return (HookChange.Done, updated);
        }
    }
}
