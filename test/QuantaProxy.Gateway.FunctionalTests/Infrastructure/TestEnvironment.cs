namespace QuantaProxy.Gateway.FunctionalTests.Infrastructure;

/// <summary>
/// Addresses of the real servers integration tests use, exported by <c>.ci/run</c>. Under <c>CI=true</c> a missing server
/// fails the test; on a developer machine the test is reported inconclusive with the variable to set.
/// </summary>
public static class TestEnvironment
{
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string PostgresConnectionString => Require("QP_TEST_POSTGRES", "a PostgreSQL connection string, e.g. Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres");

    public static string KmsUrl => Require("QP_TEST_KMS_URL", "the URL of a KMS-compatible server such as moto_server, e.g. http://127.0.0.1:5000");

    public static string MotoServerBinary => Environment.GetEnvironmentVariable("QP_TEST_MOTO_SERVER") is { Length: > 0 } path ? path : "moto_server";

    private static string Require(string variable, string what)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value)) return value;
        var message = $"{variable} is not set: it must hold {what}. .ci/run starts the server and sets it.";
        if (IsCi) Assert.Fail(message);
        Assert.Inconclusive(message);
        throw new InvalidOperationException(message);
    }
}
