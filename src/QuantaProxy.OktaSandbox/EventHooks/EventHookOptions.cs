namespace QuantaProxy.OktaSandbox;

/// <summary>How the sandbox calls event hooks. Okta's values are the defaults, except the retry delay, which tests shorten.</summary>
public sealed class EventHookOptions
{
    /// <summary>How long a verification or delivery call may take before it counts as failed (Okta: 3 seconds).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The wait before the one retry of a failed delivery.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Hooks an org may have (Okta: 25 active and verified; here all hooks count).</summary>
    public int MaxHooks { get; set; } = 25;
}
