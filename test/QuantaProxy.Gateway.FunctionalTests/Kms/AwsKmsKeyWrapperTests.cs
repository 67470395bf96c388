using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QuantaProxy.Gateway.Kms;
using QuantaProxy.Gateway.Tests.Kms.Support;

namespace QuantaProxy.Gateway.FunctionalTests.Kms;

/// <summary>The AWS KMS wrapper through the real AWS SDK client against the shared moto_server (<c>QP_TEST_KMS_URL</c>).</summary>
[TestFixture]
[NonParallelizable]
public sealed class AwsKmsKeyWrapperTests
{
    private const string Region = "us-east-1";

    private string _serviceUrl = null!;
    private AmazonKeyManagementServiceClient _admin = null!;
    private string _keyArn = null!;
    private string _otherKeyArn = null!;
    private string _alias = null!;
    private readonly List<string> _createdKeyIds = [];
    private AwsKmsKeyWrapper _wrapper = null!;

    private static Dictionary<string, string> ContextFor(string tenant) => new()
    {
        ["qp:tenant"] = tenant,
        ["qp:purpose"] = "vault-kem",
        ["qp:key"] = "vkk_01JTESTKEY000000000000000",
    };

    private static readonly Dictionary<string, string> Context = ContextFor("ten_01JTESTTENANT0000000000000");

    [OneTimeSetUp]
    public async Task OneTimeSetUp()
    {
        _serviceUrl = KmsTestEnvironment.RequireVariable(KmsTestEnvironment.KmsUrlVariable, "the URL of a KMS-compatible server such as moto_server (http://127.0.0.1:55500)");
        KmsTestEnvironment.EnsureDummyAwsCredentials();
        _admin = new AmazonKeyManagementServiceClient(new AmazonKeyManagementServiceConfig { ServiceURL = _serviceUrl, AuthenticationRegion = Region });
        _keyArn = await CreateKeyAsync();
        _otherKeyArn = await CreateKeyAsync();
        _alias = "alias/qp-test-" + Guid.NewGuid().ToString("N");
        await _admin.CreateAliasAsync(new CreateAliasRequest { AliasName = _alias, TargetKeyId = _keyArn });
        _wrapper = NewWrapper(_serviceUrl, _keyArn);
    }

    [OneTimeTearDown]
    public async Task OneTimeTearDown()
    {
        _wrapper?.Dispose();
        if (_admin is null)
            return;
        if (_alias is not null)
            await _admin.DeleteAliasAsync(new DeleteAliasRequest { AliasName = _alias });
        foreach (var keyId in _createdKeyIds)
            await _admin.ScheduleKeyDeletionAsync(new ScheduleKeyDeletionRequest { KeyId = keyId, PendingWindowInDays = 7 });
        _admin.Dispose();
    }

    private async Task<string> CreateKeyAsync()
    {
        var metadata = (await _admin.CreateKeyAsync(new CreateKeyRequest { Description = "QuantaProxy Kms tests" })).KeyMetadata;
        _createdKeyIds.Add(metadata.KeyId);
        return metadata.Arn;
    }

    private static AwsKmsKeyWrapper NewWrapper(string serviceUrl, string keyId, TimeSpan? callTimeout = null) =>
        new(Options.Create(new KmsOptions
        {
            Provider = KmsProvider.AwsKms,
            Region = Region,
            KeyId = keyId,
            ServiceUrl = serviceUrl,
            CallTimeout = callTimeout ?? TimeSpan.FromSeconds(10),
            MaxRetries = 1,
        }), NullLogger<AwsKmsKeyWrapper>.Instance);

    [Test]
    public async Task Wrap_then_unwrap_returns_the_secret()
    {
        var seed = RandomNumberGenerator.GetBytes(64);

        var wrapped = await _wrapper.WrapAsync(_keyArn, seed, Context, CancellationToken.None);
        var unwrapped = await _wrapper.UnwrapAsync(_keyArn, wrapped, Context, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(unwrapped, Is.EqualTo(seed));
            Assert.That(wrapped.AsSpan().IndexOf(seed.AsSpan(0, 16)), Is.EqualTo(-1), "the seed must not appear in the ciphertext");
            Assert.That(_wrapper.Provider, Is.EqualTo("aws-kms"));
        });
    }

    [Test]
    public async Task An_alias_works_as_the_key_reference()
    {
        var seed = RandomNumberGenerator.GetBytes(32);

        var wrapped = await _wrapper.WrapAsync(_alias, seed, Context, CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(await _wrapper.UnwrapAsync(_alias, wrapped, Context, CancellationToken.None), Is.EqualTo(seed));
            Assert.That(await _wrapper.UnwrapAsync(_keyArn, wrapped, Context, CancellationToken.None), Is.EqualTo(seed));
        });
    }

    [Test]
    public async Task Unwrap_for_another_tenant_fails_closed()
    {
        var wrapped = await _wrapper.WrapAsync(_keyArn, RandomNumberGenerator.GetBytes(32), Context, CancellationToken.None);

        var error = Assert.ThrowsAsync<KeyUnwrapException>(() => _wrapper.UnwrapAsync(_keyArn, wrapped, ContextFor("ten_01JOTHERTENANT000000000000"), CancellationToken.None));

        Assert.That(error!.InnerException, Is.InstanceOf<InvalidCiphertextException>());
    }

    [Test]
    public async Task Unwrap_with_a_missing_context_entry_fails_closed()
    {
        var wrapped = await _wrapper.WrapAsync(_keyArn, RandomNumberGenerator.GetBytes(32), Context, CancellationToken.None);
        var partial = Context.Where(e => e.Key != "qp:purpose").ToDictionary(e => e.Key, e => e.Value);

        Assert.ThrowsAsync<KeyUnwrapException>(() => _wrapper.UnwrapAsync(_keyArn, wrapped, partial, CancellationToken.None));
    }

    [Test]
    public async Task Unwrap_naming_another_key_fails_closed()
    {
        var wrapped = await _wrapper.WrapAsync(_keyArn, RandomNumberGenerator.GetBytes(32), Context, CancellationToken.None);

        Assert.ThrowsAsync<KeyUnwrapException>(() => _wrapper.UnwrapAsync(_otherKeyArn, wrapped, Context, CancellationToken.None));
    }

    [Test]
    public async Task A_tampered_ciphertext_fails_closed()
    {
        var wrapped = await _wrapper.WrapAsync(_keyArn, RandomNumberGenerator.GetBytes(32), Context, CancellationToken.None);
        wrapped[^1] ^= 0x01;

        Assert.ThrowsAsync<KeyUnwrapException>(() => _wrapper.UnwrapAsync(_keyArn, wrapped, Context, CancellationToken.None));
    }

    [Test]
    public void Wrapping_under_a_key_that_does_not_exist_is_refused()
    {
        var error = Assert.ThrowsAsync<KeyWrapException>(() => _wrapper.WrapAsync("alias/qp-missing-" + Guid.NewGuid().ToString("N"), new byte[32], Context, CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("NotFoundException"));
    }

    [Test]
    public async Task Readiness_reports_a_reachable_enabled_key()
    {
        Assert.That(await _wrapper.CheckReachableAsync(CancellationToken.None), Is.True);
    }

    [Test]
    public async Task Readiness_is_false_when_the_default_key_does_not_exist()
    {
        using var wrapper = NewWrapper(_serviceUrl, "alias/qp-missing-" + Guid.NewGuid().ToString("N"));

        Assert.That(await wrapper.CheckReachableAsync(CancellationToken.None), Is.False);
    }

    [Test]
    public async Task An_endpoint_that_refuses_connections_is_unavailable()
    {
        using var wrapper = NewWrapper($"http://127.0.0.1:{ClosedLoopbackPort()}", _keyArn, TimeSpan.FromSeconds(5));

        Assert.ThrowsAsync<KmsUnavailableException>(() => wrapper.WrapAsync(_keyArn, new byte[32], Context, CancellationToken.None));
        Assert.ThrowsAsync<KmsUnavailableException>(() => wrapper.UnwrapAsync(_keyArn, new byte[100], Context, CancellationToken.None));
        Assert.That(await wrapper.CheckReachableAsync(CancellationToken.None), Is.False);
    }

    [Test]
    public void Caller_cancellation_is_not_reported_as_an_outage()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.That(() => _wrapper.WrapAsync(_keyArn, new byte[32], Context, cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Empty_context_is_rejected_before_calling_kms()
    {
        Assert.ThrowsAsync<ArgumentException>(() => _wrapper.WrapAsync(_keyArn, new byte[32], new Dictionary<string, string>(), CancellationToken.None));
    }

    private static int ClosedLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
