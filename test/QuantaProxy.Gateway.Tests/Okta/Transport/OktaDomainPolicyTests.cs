using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Okta.Transport;
using QuantaProxy.Gateway.Okta;

namespace QuantaProxy.Gateway.Tests.Okta.Transport;

public sealed class OktaDomainPolicyTests
{
    private static OktaDomainPolicy Policy(bool allowLoopback = false, params string[] custom) =>
        new(Options.Create(new OktaOptions { AllowLoopback = allowLoopback, CustomDomains = [.. custom] }));

    [TestCase("https://acme.okta.com", "https://acme.okta.com")]
    [TestCase("https://ACME.oktapreview.com/", "https://acme.oktapreview.com")]
    [TestCase("https://acme.okta-emea.com:443", "https://acme.okta-emea.com")]
    public void Okta_orgs_are_accepted_and_normalized(string domain, string expected)
    {
        Assert.That(Policy().TryValidate(domain, out var normalized, out _), Is.True);
        Assert.That(normalized, Is.EqualTo(expected));
    }

    [TestCase("http://acme.okta.com")]
    [TestCase("https://93.184.216.34")]
    [TestCase("https://[::1]")]
    [TestCase("https://evil.example.com")]
    [TestCase("https://acme.okta.com.evil.com")]
    [TestCase("https://evilokta.com")]
    [TestCase("https://okta.com")]
    [TestCase("https://a.b.okta.com")]
    [TestCase("https://user:pw@acme.okta.com")]
    [TestCase("https://acme.okta.com/api/v1")]
    [TestCase("https://acme.okta.com?x=1")]
    [TestCase("https://acme.okta.com#f")]
    [TestCase("https://acme.okta.com:8443")]
    [TestCase("acme.okta.com")]
    [TestCase("http://127.0.0.1:8080")]
    [TestCase("http://localhost:8080")]
    [TestCase("")]
    public void Other_urls_are_refused(string domain)
    {
        Assert.That(Policy().TryValidate(domain, out _, out var reason), Is.False);
        Assert.That(reason, Is.Not.Empty);
    }

    [Test]
    public void Loopback_http_only_with_the_development_switch()
    {
        var policy = Policy(allowLoopback: true);
        Assert.Multiple(() =>
        {
            Assert.That(policy.TryValidate("http://127.0.0.1:8080/", out var normalized, out _), Is.True);
            Assert.That(normalized, Is.EqualTo("http://127.0.0.1:8080"));
            Assert.That(policy.TryValidate("http://10.0.0.1:8080", out _, out _), Is.False);
            Assert.That(policy.TryValidate("https://127.0.0.1", out _, out _), Is.False);
        });
    }

    [Test]
    public void Custom_domains_need_explicit_configuration()
    {
        Assert.That(Policy().TryValidate("https://login.example.com", out _, out _), Is.False);
        Assert.That(Policy(false, "login.example.com").TryValidate("https://login.example.com", out var normalized, out _), Is.True);
        Assert.That(normalized, Is.EqualTo("https://login.example.com"));
    }

    [Test]
    public void Options_validator_names_the_setting()
    {
        var result = new OktaOptionsValidator().Validate(null, new OktaOptions { RetryBudget = 99, AllowedDomainSuffixes = ["okta.com"] });
        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("QuantaProxy:Okta:RetryBudget").And.Contain("QuantaProxy:Okta:AllowedDomainSuffixes:0"));
    }
}
