using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Okta.Transport;
using QuantaProxy.Gateway.Okta;
using QuantaProxy.Gateway.Tests.Kms.Support;

namespace QuantaProxy.Gateway.Tests.Okta.Transport;

/// <summary>Per-integration lanes and per-org handlers are bounded: idle ones go once the bound is passed, busy ones stay.</summary>
public sealed class BoundedOktaStateTests
{
    [Test]
    public void Idle_lanes_are_dropped_past_the_bound_and_a_busy_one_is_kept()
    {
        var time = new ManualTimeProvider();
        var resilience = new OktaResilience(Options.Create(new OktaOptions()), time);
        var busy = resilience.For("int_busy");
        Assert.That(busy.Concurrency.Wait(0), Is.True, "a call in flight");
        for (var i = 0; i < OktaResilience.MaxLanes; i++) resilience.For($"int_{i}");
        Assert.That(resilience.LaneCount, Is.EqualTo(OktaResilience.MaxLanes + 1));

        time.Advance(OktaResilience.IdleLaneLifetime + TimeSpan.FromSeconds(1));
        var fresh = resilience.For("int_new");
        Assert.That(resilience.LaneCount, Is.EqualTo(2), "only the busy lane and the new one remain");
        Assert.That(resilience.For("int_busy"), Is.SameAs(busy));
        Assert.That(resilience.For("int_new"), Is.SameAs(fresh));
        busy.Concurrency.Release();
    }

    [Test]
    public void Idle_org_handlers_are_dropped_past_the_bound()
    {
        var time = new ManualTimeProvider();
        using var clients = new OktaHttpClients(Options.Create(new OktaOptions()), time);
        for (var i = 0; i < OktaHttpClients.MaxHandlers; i++) clients.For(new Uri($"https://org{i}.okta.com"));
        Assert.That(clients.HandlerCount, Is.EqualTo(OktaHttpClients.MaxHandlers));
        time.Advance(TimeSpan.FromMinutes(1));
        var recent = clients.For(new Uri("https://org0.okta.com"));
        time.Advance(OktaHttpClients.IdleHandlerLifetime - TimeSpan.FromSeconds(30));
        clients.For(new Uri("https://another.okta.com"));
        Assert.That(clients.HandlerCount, Is.EqualTo(2), "org0 was used recently; the others were idle");
        Assert.That(clients.For(new Uri("https://org0.okta.com")), Is.SameAs(recent));
    }
}
