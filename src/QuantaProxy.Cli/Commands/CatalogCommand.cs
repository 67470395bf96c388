using System.CommandLine;
using System.Text.Json;
using QuantaProxy.Gateway.Catalog;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Cli.Commands;

/// <summary><c>quantaproxy catalog [--markdown]</c>: the operation catalog, as JSON (what <c>GET /api/v2/catalog</c> serves) or as the docs table.</summary>
public static class CatalogCommand
{
    public static Command Create()
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print the table of docs/catalog.md instead of JSON" };
        var command = new Command("catalog", "Print the Okta operation catalog. Example: quantaproxy catalog --markdown > docs/catalog.md") { markdown };
        command.SetAction(parse =>
        {
            Console.Out.Write(parse.GetValue(markdown)
                ? CatalogView.Markdown(OktaOperationCatalog.Default)
                : JsonSerializer.Serialize(new CatalogEndpoints.CatalogResponse(CatalogView.Operations(OktaOperationCatalog.Default)), GatewayJson.Options) + "\n");
            return 0;
        });
        return command;
    }
}
