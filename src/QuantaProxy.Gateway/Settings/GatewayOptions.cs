namespace QuantaProxy.Gateway.Settings;

/// <summary>Configuration section <c>QuantaProxy</c> (environment: <c>QuantaProxy__...</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "QuantaProxy";

    /// <summary>Folder for the embedded store, the local master key and the bootstrap admin key.</summary>
    public string DataDir { get; set; } = "./data";

    public BootstrapOptions Bootstrap { get; set; } = new();

    public LimitOptions Limits { get; set; } = new();

    /// <summary>
    /// Log each request's method, path, status and duration through ASP.NET Core HTTP logging (never bodies, and the
    /// credential headers only as redacted). Off by default: the audit chain is the record of calls.
    /// </summary>
    public bool HttpLogging { get; set; }

    public sealed class BootstrapOptions
    {
        /// <summary>An admin API key to install on first start instead of generating one (e.g. from a Kubernetes Secret).</summary>
        public string? AdminKey { get; set; }
    }

    public sealed class LimitOptions
    {
        public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;
        public int MaxPayloadDepth { get; set; } = 16;

        /// <summary>
        /// The whole body must have arrived this long after the handler starts reading it, else 408: a caller that
        /// trickles bytes just fast enough to pass the data-rate check still cannot hold a request open for ever.
        /// </summary>
        public TimeSpan RequestBodyTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Slowest body upload tolerated after the grace period (Kestrel's minimum request body data rate), bytes per second.</summary>
        public double MinRequestBodyBytesPerSecond { get; set; } = 240;

        /// <summary>How long a body may stay under <see cref="MinRequestBodyBytesPerSecond"/> before it is cut off with 408 (over 1 s: Kestrel's heartbeat).</summary>
        public TimeSpan MinRequestBodyDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

        /// <summary>How long the request line and headers may take to arrive.</summary>
        public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);
    }
}
