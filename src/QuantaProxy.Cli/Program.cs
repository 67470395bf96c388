using System.CommandLine;
using QuantaProxy.Cli.Commands;

var root = new RootCommand("quantaproxy: the QuantaProxy command line (gateway quick start, admin, envelopes, audit)")
{
    QuickstartCommand.Create(),
    KeysCommand.Create(),
    EnvelopeCommand.Create(),
    VectorsCommand.Create(),
    AuditCommand.Create(),
    SandboxCommand.Create(),
    CatalogCommand.Create(),
    AgentCommands.TrustedIssuer(),
    AgentCommands.Agent(),
    AgentCommands.Delegation(),
    ApprovalCommands.Create(),
    AdminCommands.Tenant(),
    AdminCommands.Vault(),
    AdminCommands.Integration(),
    AdminCommands.Call(),
};
return await root.Parse(args).InvokeAsync();
