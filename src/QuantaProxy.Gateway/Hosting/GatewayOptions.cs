namespace QuantaProxy.Gateway.Hosting;

/// <summary>Configuration section <c>QuantaProxy</c> (environment: <c>QuantaProxy__...</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "QuantaProxy";

    /// <summary>Folder for the embedded store, the local master key and the bootstrap admin key.</summary>
    public string DataDir { get; set; } = "./data";

    public BootstrapOptions Bootstrap { get; set; } = new();

    public LimitOptions Limits { get; set; } = new();

    public sealed class BootstrapOptions
    {
        /// <summary>An admin API key to install on first start instead of generating one (e.g. from a Kubernetes Secret).</summary>
        public string? AdminKey { get; set; }
    }

    public sealed class LimitOptions
    {
        public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;
        public int MaxPayloadDepth { get; set; } = 16;
    }
}
