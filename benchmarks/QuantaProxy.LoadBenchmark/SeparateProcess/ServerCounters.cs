using System.Text.Json.Nodes;

namespace QuantaProxy.LoadBenchmark.SeparateProcess;

/// <summary>
/// A reading of what the servers counted: the gateway's own meters (<c>GET /__benchmark/counters</c>, benchmark
/// opt-in) and the sandbox's view of what reached "Okta" (<c>GET /__sandbox/stats</c>).
/// </summary>
internal sealed record ServerCounters(long ProxiedCalls, long KmsUnwraps, long KmsHttpRequests, long GatewayTokenRequests, long SandboxRequests, long SandboxTokenRequests)
{
    public static async Task<ServerCounters> ReadAsync(HttpClient http, Uri gateway, Uri sandboxStats, string? kmsHostPort, CancellationToken ct)
    {
        var gatewayTotals = JsonNode.Parse(await http.GetStringAsync(new Uri(gateway, "/__benchmark/counters"), ct))!.AsObject();
        long Sum(Func<string, bool> match) => gatewayTotals.Where(p => match(p.Key)).Sum(p => p.Value!.GetValue<long>());
        var sandbox = JsonNode.Parse(await http.GetStringAsync(sandboxStats, ct))!;
        return new ServerCounters(
            Sum(k => k.StartsWith("quantaproxy.proxy.calls", StringComparison.Ordinal)),
            Sum(k => k.StartsWith("quantaproxy.kms.unwraps", StringComparison.Ordinal)),
            kmsHostPort is null ? 0 : Sum(k => k.StartsWith("http.client.requests", StringComparison.Ordinal) && k.Contains(kmsHostPort, StringComparison.Ordinal)),
            Sum(k => k.StartsWith("quantaproxy.okta.token_requests", StringComparison.Ordinal)),
            sandbox["requests"]!.GetValue<long>(),
            sandbox["token_requests"]!.GetValue<long>());
    }

    public static ServerCounters operator -(ServerCounters after, ServerCounters before) => new(
        after.ProxiedCalls - before.ProxiedCalls, after.KmsUnwraps - before.KmsUnwraps, after.KmsHttpRequests - before.KmsHttpRequests,
        after.GatewayTokenRequests - before.GatewayTokenRequests, after.SandboxRequests - before.SandboxRequests, after.SandboxTokenRequests - before.SandboxTokenRequests);
}
