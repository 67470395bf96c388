namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>
/// The event hook parts, built once per sandbox: the hook registry and its API, the verifier, the background dispatcher, the
/// recorder of System Log events, and the tap that feeds it from the Management API.
/// </summary>
internal sealed class EventHookSystem : IAsyncDisposable
{
    private readonly EventHookRegistry _registry;
    private readonly HookHttp _http;
    private readonly HookDispatcher _dispatcher;
    private readonly OrgState _org;
    private readonly int _maxHooks;
    private readonly TimeProvider _clock;

    public EventHookSystem(EventHookOptions options, OrgState org, SandboxFaults faults, TimeProvider? clock = null)
    {
        Check(options);
        clock ??= TimeProvider.System;
        _org = org;
        _maxHooks = options.MaxHooks;
        _clock = clock;
        _registry = new EventHookRegistry(org, options.MaxHooks, clock);
        _http = new HookHttp(options.Timeout);
        _dispatcher = new HookDispatcher(_http, faults.EventHooks, Activity, options.RetryDelay, clock);
        Events = new OrgEvents(org, _registry, _dispatcher, clock);
        Tap = new ManagementEventTap(org, Events);
    }

    public EventHookActivity Activity { get; } = new();
    public OrgEvents Events { get; }

    /// <summary>Middleware to put after authentication, before the endpoints.</summary>
    public ManagementEventTap Tap { get; }

    public void Map(WebApplication app)
    {
        EventHooksApi.Map(app, _registry, new HookVerifier(_http), _maxHooks);
        DeprovisioningApi.Map(app, _org, Events, _clock);
    }

    private static void Check(EventHookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(1)) throw new ArgumentException("EventHooks.Timeout must be over zero and at most a minute", nameof(options));
        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromHours(1)) throw new ArgumentException("EventHooks.RetryDelay must be zero to an hour", nameof(options));
        if (options.MaxHooks is < 1 or > 1000) throw new ArgumentException("EventHooks.MaxHooks must be 1 to 1000", nameof(options));
    }

    public async ValueTask DisposeAsync()
    {
        await _dispatcher.DisposeAsync();
        _http.Dispose();
    }
}
