using QuantaProxy.Gateway.Storage;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Health;

public static class HealthEndpoints
{
    public sealed record HealthResponse(string Status);
    public sealed record ReadinessResponse(string Status, string Storage, string Kms);

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Json(new HealthResponse("ok"), GatewayJson.Options)).WithTags("Health").WithName("Liveness").Produces<HealthResponse>().AllowAnonymous();
        app.MapGet("/readyz", ReadyAsync).WithTags("Health").WithName("Readiness").Produces<ReadinessResponse>().Produces<ReadinessResponse>(503).AllowAnonymous();
    }

    private static async Task<IResult> ReadyAsync(Database database, KmsReadiness kms, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        var storage = "ok";
        try
        {
            await using var connection = await database.OpenAsync(timeout.Token);
            await using var command = connection.Sql("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            storage = "unreachable";
        }
        var kmsState = await kms.IsReachableAsync(timeout.Token) ? "ok" : "unreachable";
        var ready = storage == "ok" && kmsState == "ok";
        return Results.Json(new ReadinessResponse(ready ? "ready" : "not_ready", storage, kmsState), GatewayJson.Options, statusCode: ready ? 200 : 503);
    }
}
