using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Catalog;

public static class CatalogEndpoints
{
    public sealed record CatalogResponse(IReadOnlyList<CatalogView.OperationView> Operations);

    /// <summary>The catalog is the same for every caller and holds nothing of any tenant, so reading it is not audited.</summary>
    public static void MapCatalogEndpoints(this IEndpointRouteBuilder app)
    {
        var response = new CatalogResponse(CatalogView.Operations(OktaOperationCatalog.Default));
        app.MapGet("/api/v2/catalog", () => Results.Json(response, GatewayJson.Options))
            .WithTags("Catalog").WithName("GetCatalog").Produces<CatalogResponse>()
            .WithDescription("Every Okta operation an integration may allow: method and path, required scopes, risk class, traits and typed arguments.");
    }
}
