namespace QuantaProxy.Console.Tests;

[SetUpFixture]
public sealed class ConsoleSetUp
{
    private static ConsoleEnvironment? _env;

    public static ConsoleEnvironment Env => _env ?? throw new InvalidOperationException("The console environment did not start.");

    [OneTimeSetUp]
    public async Task StartAsync() => _env = await ConsoleEnvironment.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_env is not null) await _env.DisposeAsync();
    }
}
