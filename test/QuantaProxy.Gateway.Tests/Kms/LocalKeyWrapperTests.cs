using System.Runtime.Versioning;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using QuantaProxy.Gateway.Kms;
using QuantaProxy.Gateway.Tests.Kms.Support;

namespace QuantaProxy.Gateway.Tests.Kms;

[TestFixture]
[Platform(Exclude = "Win", Reason = "Unix file modes")]
[UnsupportedOSPlatform("windows")]
public sealed class LocalKeyWrapperTests
{
    private const string KeyId = "local/test-key";

    private static readonly Dictionary<string, string> Context = new()
    {
        ["qp:tenant"] = "ten_01JTESTTENANT0000000000000",
        ["qp:purpose"] = "vault-kem",
        ["qp:key"] = "vkk_01JTESTKEY000000000000000",
    };

    private string _folder = null!;
    private string _keyPath = null!;

    [SetUp]
    public void SetUp()
    {
        _folder = Path.Combine(Path.GetTempPath(), "qp-kms-tests-" + Guid.NewGuid().ToString("N"));
        _keyPath = Path.Combine(_folder, "data", KmsOptions.DefaultLocalMasterKeyFileName);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private LocalKeyWrapper Open(CapturingLogger<LocalKeyWrapper>? logger = null) =>
        LocalKeyWrapper.OpenOrCreate(_keyPath, logger ?? new CapturingLogger<LocalKeyWrapper>());

    [Test]
    public async Task Wrap_then_unwrap_returns_the_secret()
    {
        using var wrapper = Open();
        var secret = RandomNumberGenerator.GetBytes(64);

        var wrapped = await wrapper.WrapAsync(KeyId, secret, Context, CancellationToken.None);
        var unwrapped = await wrapper.UnwrapAsync(KeyId, wrapped, Context, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(unwrapped, Is.EqualTo(secret));
            Assert.That(wrapped, Has.Length.EqualTo(1 + 12 + secret.Length + 16), "version || nonce || ciphertext || tag");
            Assert.That(wrapped[0], Is.EqualTo(1), "format version");
            Assert.That(wrapped.AsSpan().IndexOf(secret.AsSpan(0, 16)), Is.EqualTo(-1), "the secret must not appear in the ciphertext");
            Assert.That(wrapper.Provider, Is.EqualTo("local"));
        });
        Assert.That(await wrapper.CheckReachableAsync(CancellationToken.None), Is.True);
    }

    [Test]
    public async Task Two_wraps_of_one_secret_differ()
    {
        using var wrapper = Open();
        var secret = RandomNumberGenerator.GetBytes(32);

        var first = await wrapper.WrapAsync(KeyId, secret, Context, CancellationToken.None);
        var second = await wrapper.WrapAsync(KeyId, secret, Context, CancellationToken.None);

        Assert.That(first, Is.Not.EqualTo(second), "each wrap draws a fresh nonce");
    }

    [Test]
    public async Task Context_order_does_not_matter()
    {
        using var wrapper = Open();
        var secret = RandomNumberGenerator.GetBytes(32);
        var wrapped = await wrapper.WrapAsync(KeyId, secret, Context, CancellationToken.None);
        var reversed = Context.Reverse().ToDictionary(e => e.Key, e => e.Value);

        var unwrapped = await wrapper.UnwrapAsync(KeyId, wrapped, reversed, CancellationToken.None);

        Assert.That(unwrapped, Is.EqualTo(secret));
    }

    private static IEnumerable<TestCaseData> MismatchedContexts()
    {
        yield return new TestCaseData(new Dictionary<string, string>(Context) { ["qp:tenant"] = "ten_01JOTHERTENANT000000000000" }).SetName("Unwrap_fails_for_another_tenant");
        yield return new TestCaseData(new Dictionary<string, string>(Context) { ["qp:purpose"] = "envelope-signing" }).SetName("Unwrap_fails_for_another_purpose");
        yield return new TestCaseData(new Dictionary<string, string>(Context) { ["qp:extra"] = "x" }).SetName("Unwrap_fails_with_an_extra_context_entry");
        yield return new TestCaseData(Context.Where(e => e.Key != "qp:key").ToDictionary(e => e.Key, e => e.Value)).SetName("Unwrap_fails_with_a_missing_context_entry");
    }

    [TestCaseSource(nameof(MismatchedContexts))]
    public async Task Unwrap_with_another_context_fails(Dictionary<string, string> otherContext)
    {
        using var wrapper = Open();
        var wrapped = await wrapper.WrapAsync(KeyId, RandomNumberGenerator.GetBytes(32), Context, CancellationToken.None);

        Assert.ThrowsAsync<KeyUnwrapException>(() => wrapper.UnwrapAsync(KeyId, wrapped, otherContext, CancellationToken.None));
    }

    [Test]
    public async Task Context_encoding_is_unambiguous()
    {
        using var wrapper = Open();
        var wrapped = await wrapper.WrapAsync(KeyId, RandomNumberGenerator.GetBytes(32), new Dictionary<string, string> { ["a"] = "bc" }, CancellationToken.None);

        Assert.ThrowsAsync<KeyUnwrapException>(() => wrapper.UnwrapAsync(KeyId, wrapped, new Dictionary<string, string> { ["ab"] = "c" }, CancellationToken.None));
    }

    [Test]
    public async Task Unwrap_under_another_key_id_fails()
    {
        using var wrapper = Open();
        var wrapped = await wrapper.WrapAsync(KeyId, RandomNumberGenerator.GetBytes(32), Context, CancellationToken.None);

        Assert.ThrowsAsync<KeyUnwrapException>(() => wrapper.UnwrapAsync("local/other-key", wrapped, Context, CancellationToken.None));
    }

    [Test]
    public async Task Every_tampered_byte_is_detected()
    {
        using var wrapper = Open();
        var wrapped = await wrapper.WrapAsync(KeyId, RandomNumberGenerator.GetBytes(32), Context, CancellationToken.None);

        for (var i = 0; i < wrapped.Length; i++)
        {
            var tampered = (byte[])wrapped.Clone();
            tampered[i] ^= 0x01;
            Assert.ThrowsAsync<KeyUnwrapException>(() => wrapper.UnwrapAsync(KeyId, tampered, Context, CancellationToken.None), $"byte {i}");
        }
    }

    [Test]
    public async Task Truncated_and_oversized_ciphertexts_fail()
    {
        using var wrapper = Open();
        var wrapped = await wrapper.WrapAsync(KeyId, RandomNumberGenerator.GetBytes(32), Context, CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<KeyUnwrapException>(() => wrapper.UnwrapAsync(KeyId, wrapped.AsMemory(0, wrapped.Length - 1), Context, CancellationToken.None));
            Assert.ThrowsAsync<KeyUnwrapException>(() => wrapper.UnwrapAsync(KeyId, wrapped.AsMemory(0, 29), Context, CancellationToken.None));
            Assert.ThrowsAsync<KeyUnwrapException>(() => wrapper.UnwrapAsync(KeyId, ReadOnlyMemory<byte>.Empty, Context, CancellationToken.None));
            Assert.ThrowsAsync<KeyUnwrapException>(() => wrapper.UnwrapAsync(KeyId, new byte[7000], Context, CancellationToken.None));
        });
    }

    [Test]
    public void Invalid_arguments_are_rejected()
    {
        using var wrapper = Open();
        var secret = new byte[32];

        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<ArgumentException>(() => wrapper.WrapAsync(KeyId, secret, new Dictionary<string, string>(), CancellationToken.None), "empty context");
            Assert.ThrowsAsync<ArgumentException>(() => wrapper.WrapAsync(KeyId, secret, new Dictionary<string, string> { ["qp:tenant"] = "" }, CancellationToken.None), "empty context value");
            Assert.ThrowsAsync<ArgumentException>(() => wrapper.WrapAsync(KeyId, ReadOnlyMemory<byte>.Empty, Context, CancellationToken.None), "empty plaintext");
            Assert.ThrowsAsync<ArgumentException>(() => wrapper.WrapAsync(KeyId, new byte[4097], Context, CancellationToken.None), "plaintext over 4096 bytes");
            Assert.ThrowsAsync<ArgumentException>(() => wrapper.WrapAsync("", secret, Context, CancellationToken.None), "empty key id");
            Assert.ThrowsAsync<ArgumentException>(() => wrapper.WrapAsync("key id", secret, Context, CancellationToken.None), "white space in key id");
        });
    }

    [Test]
    public void Master_key_file_is_created_with_mode_0600_in_a_0700_folder()
    {
        using var wrapper = Open();

        Assert.Multiple(() =>
        {
            Assert.That(wrapper.MasterKeyPath, Is.EqualTo(Path.GetFullPath(_keyPath)));
            Assert.That(new FileInfo(_keyPath), Has.Length.EqualTo(32));
            Assert.That(File.GetUnixFileMode(_keyPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(File.GetUnixFileMode(Path.GetDirectoryName(_keyPath)!), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(_keyPath)!), Has.Length.EqualTo(1), "no temporary file is left behind");
        });
    }

    [Test]
    public void Refuses_a_master_key_file_readable_by_others()
    {
        WriteKeyFile(RandomNumberGenerator.GetBytes(32), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Assert.Throws<InvalidOperationException>(() => Open());

        Assert.That(error!.Message, Does.Contain("0644").And.Contain("0600").And.Contain("chmod 600"));
    }

    [Test]
    public void Refuses_a_master_key_file_writable_by_the_group()
    {
        WriteKeyFile(RandomNumberGenerator.GetBytes(32), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite);

        Assert.Throws<InvalidOperationException>(() => Open());
    }

    [Test]
    public void Accepts_a_read_only_0400_master_key_file()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        WriteKeyFile(key, UnixFileMode.UserRead);

        using var wrapper = Open();

        Assert.That(File.ReadAllBytes(_keyPath), Is.EqualTo(key), "the existing key is used, not replaced");
    }

    [TestCase(31)]
    [TestCase(33)]
    [TestCase(0)]
    public void Refuses_a_master_key_file_of_the_wrong_size(int size)
    {
        WriteKeyFile(RandomNumberGenerator.GetBytes(size), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var error = Assert.Throws<InvalidOperationException>(() => Open());

        Assert.That(error!.Message, Does.Contain("exactly 32 bytes"));
    }

    [Test]
    public void Refuses_an_all_zero_master_key_file()
    {
        WriteKeyFile(new byte[32], UnixFileMode.UserRead | UnixFileMode.UserWrite);

        Assert.Throws<InvalidOperationException>(() => Open());
    }

    [Test]
    public void Refuses_a_symbolic_link()
    {
        var target = Path.Combine(_folder, "elsewhere.key");
        Directory.CreateDirectory(Path.GetDirectoryName(_keyPath)!);
        File.WriteAllBytes(target, RandomNumberGenerator.GetBytes(32));
        File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.CreateSymbolicLink(_keyPath, target);

        var error = Assert.Throws<InvalidOperationException>(() => Open());

        Assert.That(error!.Message, Does.Contain("symbolic link"));
    }

    [Test]
    public async Task Keys_wrapped_by_one_instance_unwrap_in_the_next()
    {
        var secret = RandomNumberGenerator.GetBytes(64);
        byte[] wrapped;
        using (var first = Open())
        {
            wrapped = await first.WrapAsync(KeyId, secret, Context, CancellationToken.None);
        }

        using var second = Open();
        var unwrapped = await second.UnwrapAsync(KeyId, wrapped, Context, CancellationToken.None);

        Assert.That(unwrapped, Is.EqualTo(secret));
    }

    [Test]
    public async Task Another_master_key_cannot_unwrap()
    {
        byte[] wrapped;
        using (var first = Open())
        {
            wrapped = await first.WrapAsync(KeyId, RandomNumberGenerator.GetBytes(32), Context, CancellationToken.None);
        }
        File.Delete(_keyPath);

        using var second = Open();

        Assert.ThrowsAsync<KeyUnwrapException>(() => second.UnwrapAsync(KeyId, wrapped, Context, CancellationToken.None));
    }

    [Test]
    public void Warns_at_construction_that_it_is_for_development()
    {
        var logger = new CapturingLogger<LocalKeyWrapper>();

        using var wrapper = Open(logger);

        Assert.That(logger.Entries, Has.Some.Matches<(LogLevel Level, string Message)>(e =>
            e.Level == LogLevel.Warning && e.Message.Contains("development only", StringComparison.Ordinal) && e.Message.Contains("QuantaProxy__Kms__Provider=AwsKms", StringComparison.Ordinal)));
    }

    [Test]
    public async Task Disposed_wrapper_refuses_to_work()
    {
        var wrapper = Open();
        var wrapped = await wrapper.WrapAsync(KeyId, RandomNumberGenerator.GetBytes(32), Context, CancellationToken.None);

        wrapper.Dispose();

        Assert.Multiple(async () =>
        {
            Assert.ThrowsAsync<ObjectDisposedException>(() => wrapper.WrapAsync(KeyId, new byte[32], Context, CancellationToken.None));
            Assert.ThrowsAsync<ObjectDisposedException>(() => wrapper.UnwrapAsync(KeyId, wrapped, Context, CancellationToken.None));
            Assert.That(await wrapper.CheckReachableAsync(CancellationToken.None), Is.False);
        });
    }

    private void WriteKeyFile(byte[] content, UnixFileMode mode)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_keyPath)!);
        File.WriteAllBytes(_keyPath, content);
        File.SetUnixFileMode(_keyPath, mode);
    }
}
