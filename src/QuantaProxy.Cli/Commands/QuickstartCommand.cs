using System.CommandLine;

namespace QuantaProxy.Cli.Commands;

/// <summary><c>quantaproxy quickstart</c>: the whole journey on embedded defaults (see <see cref="Quickstart"/>).</summary>
public static class QuickstartCommand
{
    public static Command Create()
    {
        var keep = new Option<bool>("--keep") { Description = "Keep the throwaway data folder and print where it is" };
        var keepRunning = new Option<bool>("--keep-running")
        {
            Description = "After the checks, keep the gateway and the Okta sandbox running and print the console's URL and how to sign in (Ctrl+C stops them)",
        };
        var command = new Command("quickstart", "Start a gateway on embedded defaults, provision a tenant and prove the envelope and audit guarantees end to end. Example: quantaproxy quickstart --keep-running")
            { keep, keepRunning };
        command.SetAction((parse, ct) => Quickstart.RunAsync(parse.GetValue(keep), Console.Out, ct, parse.GetValue(keepRunning)));
        return command;
    }
}
