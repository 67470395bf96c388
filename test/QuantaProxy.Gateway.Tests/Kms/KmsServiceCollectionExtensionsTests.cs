using System.Runtime.Versioning;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Kms;

namespace QuantaProxy.Gateway.Tests.Kms;

[TestFixture]
[Platform(Exclude = "Win", Reason = "Unix file modes")]
[UnsupportedOSPlatform("windows")]
public sealed class KmsServiceCollectionExtensionsTests
{
    private string _dataDir = null!;

    [SetUp]
    public void SetUp() => _dataDir = Path.Combine(Path.GetTempPath(), "qp-kms-di-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_dataDir))
            Directory.Delete(_dataDir, recursive: true);
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddQuantaProxyKms(builder.Configuration);
        return builder.Build();
    }

    [Test]
    public async Task Defaults_to_the_local_wrapper_in_the_data_folder()
    {
        using var host = BuildHost(new() { ["QuantaProxy:DataDir"] = _dataDir });
        await host.StartAsync();

        var wrapper = host.Services.GetRequiredService<IKeyWrapper>();

        Assert.Multiple(() =>
        {
            Assert.That(wrapper, Is.InstanceOf<LocalKeyWrapper>());
            Assert.That(((LocalKeyWrapper)wrapper).MasterKeyPath, Is.EqualTo(Path.GetFullPath(Path.Combine(_dataDir, "kms-local-master.key"))));
            Assert.That(File.Exists(Path.Combine(_dataDir, "kms-local-master.key")), Is.True, "the start-up check opened the wrapper");
            Assert.That(host.Services.GetRequiredService<UnwrappedKeyCache>(), Is.Not.Null);
        });
        await host.StopAsync();
    }

    [Test]
    public async Task Binds_every_setting_from_configuration()
    {
        using var host = BuildHost(new()
        {
            ["QuantaProxy:Kms:Provider"] = "AwsKms",
            ["QuantaProxy:Kms:Region"] = "eu-central-1",
            ["QuantaProxy:Kms:KeyId"] = "alias/quantaproxy",
            ["QuantaProxy:Kms:ServiceUrl"] = "http://127.0.0.1:1",
            ["QuantaProxy:Kms:CallTimeout"] = "00:00:01.500",
            ["QuantaProxy:Kms:MaxRetries"] = "1",
            ["QuantaProxy:Kms:CacheTtl"] = "00:02:00",
            ["QuantaProxy:Kms:CacheMaxUses"] = "42",
            ["QuantaProxy:Kms:CacheMaxEntries"] = "7",
        });

        var options = host.Services.GetRequiredService<IOptions<KmsOptions>>().Value;
        var wrapper = host.Services.GetRequiredService<IKeyWrapper>();

        Assert.Multiple(() =>
        {
            Assert.That(options.Provider, Is.EqualTo(KmsProvider.AwsKms));
            Assert.That(options.Region, Is.EqualTo("eu-central-1"));
            Assert.That(options.KeyId, Is.EqualTo("alias/quantaproxy"));
            Assert.That(options.CallTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(1500)));
            Assert.That(options.MaxRetries, Is.EqualTo(1));
            Assert.That(options.CacheTtl, Is.EqualTo(TimeSpan.FromMinutes(2)));
            Assert.That(options.CacheMaxUses, Is.EqualTo(42));
            Assert.That(options.CacheMaxEntries, Is.EqualTo(7));
            Assert.That(wrapper, Is.InstanceOf<AwsKmsKeyWrapper>());
            Assert.That(wrapper.Provider, Is.EqualTo("aws-kms"));
        });
    }

    [Test]
    public void Start_fails_with_a_message_naming_the_missing_setting()
    {
        using var host = BuildHost(new() { ["QuantaProxy:Kms:Provider"] = "AwsKms", ["QuantaProxy:Kms:Region"] = "eu-west-1" });

        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("QuantaProxy:Kms:KeyId is required when Provider=AwsKms (env QuantaProxy__Kms__KeyId)"));
    }

    [Test]
    public void Start_fails_when_the_local_master_key_file_is_too_open()
    {
        var keyPath = Path.Combine(_dataDir, "kms-local-master.key");
        Directory.CreateDirectory(_dataDir);
        File.WriteAllBytes(keyPath, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        using var host = BuildHost(new() { ["QuantaProxy:DataDir"] = _dataDir });

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.That(error!.Message, Does.Contain("0604").And.Contain("must be 0600"));
    }

    [Test]
    public void An_explicit_master_key_path_wins_over_the_data_folder()
    {
        var keyPath = Path.Combine(_dataDir, "elsewhere", "master.key");
        using var host = BuildHost(new() { ["QuantaProxy:DataDir"] = Path.Combine(_dataDir, "unused"), ["QuantaProxy:Kms:LocalMasterKeyPath"] = keyPath });

        var wrapper = (LocalKeyWrapper)host.Services.GetRequiredService<IKeyWrapper>();

        Assert.Multiple(() =>
        {
            Assert.That(wrapper.MasterKeyPath, Is.EqualTo(keyPath));
            Assert.That(Directory.Exists(Path.Combine(_dataDir, "unused")), Is.False);
        });
    }
}
