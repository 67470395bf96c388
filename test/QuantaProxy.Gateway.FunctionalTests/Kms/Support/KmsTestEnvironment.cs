namespace QuantaProxy.Gateway.Tests.Kms.Support;

/// <summary>Reads the dev-service variables; a missing one fails the test in CI and makes it inconclusive elsewhere.</summary>
internal static class KmsTestEnvironment
{
    public const string KmsUrlVariable = "QP_TEST_KMS_URL";
    public const string MotoServerVariable = "QP_TEST_MOTO_SERVER";

    public static string RequireVariable(string name, string purpose)
    {
        var value = Environment.GetEnvironmentVariable(name);
        if (!string.IsNullOrWhiteSpace(value))
            return value;
        MissingDependency($"Environment variable {name} is not set: it must give {purpose}.");
        return string.Empty; // not reached: Assert.Fail and Assert.Inconclusive throw
    }

    /// <summary>The moto_server binary: <c>QP_TEST_MOTO_SERVER</c>, else <c>moto_server</c> found on PATH.</summary>
    public static string RequireMotoServer()
    {
        var configured = Environment.GetEnvironmentVariable(MotoServerVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            if (!File.Exists(configured))
                Assert.Fail($"Environment variable {MotoServerVariable} is '{configured}', which does not exist.");
            return configured;
        }
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, "moto_server");
            if (File.Exists(candidate))
                return candidate;
        }
        MissingDependency($"Environment variable {MotoServerVariable} is not set and moto_server is not on PATH: it must give the moto_server executable (pip install 'moto[server]').");
        return string.Empty;
    }

    /// <summary>moto accepts any credentials; the SDK's default chain finds these dummy ones in the environment.</summary>
    public static void EnsureDummyAwsCredentials()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")))
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "testing");
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY")))
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "testing");
    }

    private static void MissingDependency(string message)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail(message);
        Assert.Inconclusive(message);
    }
}
