using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Settings;

namespace QuantaProxy.Gateway.Tests.Auth;

public sealed class AdminKeyStrengthTests
{
    [TestCase("qp_live_CHANGE_ME_CHANGE_ME_CHANGE_ME_CHANGE_ME_CHA", "placeholder")]
    [TestCase("qp_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "entropy")]
    [TestCase("qp_live_abababababababababababababababababababababa", "entropy")]
    [TestCase("qp_live_replace-with-a-real-key-replace-with-a-real", "placeholder")]
    [TestCase("qp_live_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH", "must look like")]
    [TestCase("qp_live_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", "placeholder")]
    [TestCase("", "must look like")]
    public void Typed_keys_are_refused_with_the_setting_named(string key, string reason)
    {
        Assert.That(AdminKeyStrength.Problem(key), Does.Contain(reason));
        var result = new GatewayOptionsValidator().Validate(null, new GatewayOptions { Bootstrap = { AdminKey = key } });
        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("QuantaProxy:Bootstrap:AdminKey"));
        if (key.Length > 0) Assert.That(result.FailureMessage, Does.Not.Contain(key), "the message never repeats the key");
    }

    [Test]
    public void Generated_keys_are_accepted()
    {
        for (var i = 0; i < 20_000; i++)
        {
            var key = ApiKeyFormat.Generate();
            Assert.That(AdminKeyStrength.Problem(key), Is.Null, key);
        }
    }
}
