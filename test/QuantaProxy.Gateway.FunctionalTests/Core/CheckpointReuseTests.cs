using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Core;

/// <summary>Reading the checkpoint is an event, so signing on every read let one key make the gateway sign per request.</summary>
public sealed class CheckpointReuseTests
{
    [Test]
    public async Task Two_hundred_reads_sign_one_checkpoint_and_the_list_pages()
    {
        await using var host = await GatewayHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["QuantaProxy:Audit:CheckpointReuseMaxAge"] = "00:10:00",
            ["QuantaProxy:Audit:CheckpointReuseMaxGrowth"] = "1000",
        });
        var tenant = await TenantSession.CreateAsync(host, "reuse");
        var sizes = new HashSet<long>();
        for (var i = 0; i < 200; i++)
            sizes.Add((await host.OkAsync(HttpMethod.Get, "/api/v2/audit/checkpoint", tenant.ApiKey))["tree_size"]!.GetValue<long>());
        Assert.That(sizes, Has.Count.EqualTo(1), "the latest checkpoint was served while the chain grew by reads");
        var listed = await host.OkAsync(HttpMethod.Get, "/api/v2/audit/checkpoints", tenant.ApiKey);
        Assert.That(listed["checkpoints"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_chain_that_grew_past_the_threshold_gets_a_new_checkpoint_and_pages_list_every_one()
    {
        await using var host = await GatewayHost.StartAsync(settings: new Dictionary<string, string?>
        {
            ["QuantaProxy:Audit:CheckpointReuseMaxAge"] = "00:10:00",
            ["QuantaProxy:Audit:CheckpointReuseMaxGrowth"] = "2",
        });
        var tenant = await TenantSession.CreateAsync(host, "growth");
        var sizes = new List<long>();
        for (var i = 0; i < 6; i++)
            sizes.Add((await host.OkAsync(HttpMethod.Get, "/api/v2/audit/checkpoint", tenant.ApiKey))["tree_size"]!.GetValue<long>());
        Assert.That(sizes.Distinct().Count(), Is.EqualTo(3), string.Join(",", sizes));

        var seen = new List<long>();
        long after = 0;
        while (true)
        {
            var page = await host.OkAsync(HttpMethod.Get, $"/api/v2/audit/checkpoints?after={after}&limit=1", tenant.ApiKey);
            seen.AddRange(page["checkpoints"]!.AsArray().Select(c => c!["tree_size"]!.GetValue<long>()));
            if (page["next_after"] is not { } next) break;
            after = next.GetValue<long>();
        }
        Assert.That(seen, Is.EqualTo(sizes.Distinct().ToList()));
    }
}
