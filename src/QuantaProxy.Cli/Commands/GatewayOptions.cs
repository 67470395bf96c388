using System.CommandLine;
using QuantaProxy.Client.Http;

namespace QuantaProxy.Cli.Commands;

/// <summary><c>--gateway URL</c> and <c>--api-key KEY</c>, defaulting to <c>QUANTAPROXY_URL</c> and <c>QUANTAPROXY_API_KEY</c>.</summary>
internal sealed class GatewayConnectionOptions
{
    public Option<string?> Gateway { get; } = new("--gateway") { Description = "Gateway URL (default: $QUANTAPROXY_URL)" };
    public Option<string?> ApiKey { get; } = new("--api-key") { Description = "API key (default: $QUANTAPROXY_API_KEY; prefer the variable: arguments show in process lists)" };

    public void AddTo(Command command)
    {
        command.Add(Gateway);
        command.Add(ApiKey);
    }

    public QuantaProxyHttpClient Connect(ParseResult parse)
    {
        var url = parse.GetValue(Gateway) ?? Environment.GetEnvironmentVariable("QUANTAPROXY_URL")
                  ?? throw new InvalidOperationException("Set --gateway or QUANTAPROXY_URL.");
        var key = parse.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable("QUANTAPROXY_API_KEY")
                  ?? throw new InvalidOperationException("Set QUANTAPROXY_API_KEY (or --api-key).");
        return new QuantaProxyHttpClient(new Uri(url), key);
    }
}
