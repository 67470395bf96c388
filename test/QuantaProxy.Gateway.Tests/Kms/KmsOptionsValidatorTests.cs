using QuantaProxy.Gateway.Kms;

namespace QuantaProxy.Gateway.Tests.Kms;

[TestFixture]
public sealed class KmsOptionsValidatorTests
{
    private static readonly KmsOptionsValidator Validator = new();

    private static KmsOptions ValidAwsKms() => new()
    {
        Provider = KmsProvider.AwsKms,
        Region = "eu-west-1",
        KeyId = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    };

    [Test]
    public void Defaults_are_valid()
    {
        var result = Validator.Validate(null, new KmsOptions());

        Assert.Multiple(() =>
        {
            Assert.That(result.Succeeded, Is.True, result.FailureMessage);
            Assert.That(new KmsOptions().Provider, Is.EqualTo(KmsProvider.Local));
            Assert.That(new KmsOptions().CacheTtl, Is.EqualTo(TimeSpan.FromMinutes(5)));
        });
    }

    [Test]
    public void A_complete_aws_kms_configuration_is_valid()
    {
        Assert.That(Validator.Validate(null, ValidAwsKms()).Succeeded, Is.True);
    }

    [Test]
    public void Aws_kms_without_key_id_names_the_setting_and_its_environment_variable()
    {
        var options = ValidAwsKms();
        options.KeyId = null;

        var result = Validator.Validate(null, options);

        Assert.Multiple(() =>
        {
            Assert.That(result.Failed, Is.True);
            Assert.That(result.FailureMessage, Does.Contain("QuantaProxy:Kms:KeyId is required when Provider=AwsKms").And.Contain("(env QuantaProxy__Kms__KeyId)"));
        });
    }

    [Test]
    public void Aws_kms_without_region_names_the_setting()
    {
        var options = ValidAwsKms();
        options.Region = " ";

        Assert.That(Validator.Validate(null, options).FailureMessage, Does.Contain("QuantaProxy:Kms:Region").And.Contain("QuantaProxy__Kms__Region"));
    }

    [TestCase("http://kms.internal.example:4566")]
    [TestCase("http://10.0.0.5:4566")]
    [TestCase("ftp://127.0.0.1/")]
    [TestCase("not a url")]
    [TestCase("https://user:pass@kms.example/")]
    public void Rejects_service_urls_that_could_leak_keys(string url)
    {
        var options = ValidAwsKms();
        options.ServiceUrl = url;

        Assert.That(Validator.Validate(null, options).FailureMessage, Does.Contain("QuantaProxy:Kms:ServiceUrl").And.Contain("QuantaProxy__Kms__ServiceUrl"));
    }

    [TestCase("http://127.0.0.1:55500")]
    [TestCase("http://[::1]:55500")]
    [TestCase("http://localhost:55500")]
    [TestCase("https://kms.eu-west-1.amazonaws.com")]
    [TestCase("https://vpce-0123-abcd.kms.eu-west-1.vpce.amazonaws.com")]
    public void Accepts_https_and_loopback_http_service_urls(string url)
    {
        var options = ValidAwsKms();
        options.ServiceUrl = url;

        var result = Validator.Validate(null, options);

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }

    [Test]
    public void Rejects_out_of_range_timeouts_and_cache_limits_naming_each_setting()
    {
        var options = new KmsOptions
        {
            CallTimeout = TimeSpan.Zero,
            MaxRetries = -1,
            CacheTtl = TimeSpan.FromDays(2),
            CacheMaxUses = 0,
            CacheMaxEntries = 0,
        };

        var message = Validator.Validate(null, options).FailureMessage;

        Assert.That(message, Does.Contain("QuantaProxy:Kms:CallTimeout")
            .And.Contain("QuantaProxy:Kms:MaxRetries")
            .And.Contain("QuantaProxy:Kms:CacheTtl")
            .And.Contain("QuantaProxy:Kms:CacheMaxUses")
            .And.Contain("QuantaProxy:Kms:CacheMaxEntries"));
    }

    [Test]
    public void Rejects_a_region_that_is_not_a_region_name()
    {
        var options = ValidAwsKms();
        options.Region = "EU West";

        Assert.That(Validator.Validate(null, options).FailureMessage, Does.Contain("QuantaProxy:Kms:Region"));
    }
}
