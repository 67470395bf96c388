using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox;

/// <summary>Okta's error body: <c>{errorCode, errorSummary, errorLink, errorId, errorCauses}</c>.</summary>
internal static class OktaErrors
{
    public static IResult Error(int status, string code, string summary, params string[] causes)
    {
        var body = new JsonObject
        {
            ["errorCode"] = code,
            ["errorSummary"] = summary,
            ["errorLink"] = code,
            ["errorId"] = "oae" + Guid.NewGuid().ToString("N")[..19],
            ["errorCauses"] = new JsonArray(causes.Select(c => (JsonNode)new JsonObject { ["errorSummary"] = c }).ToArray()),
        };
        return Results.Content(body.ToJsonString(), "application/json", statusCode: status);
    }

    public static IResult NotFound(string id, string type) => Error(404, "E0000007", $"Not found: Resource not found: {id} ({type})");

    /// <summary>Okta's answer to a <c>search</c> or <c>filter</c> expression it cannot run; the cause says what is wrong with it.</summary>
    public static IResult InvalidSearch(string cause) => Error(400, "E0000031", "Invalid search criteria.", cause);

    public static IResult Invalid(params string[] causes) => Error(400, "E0000001", "Api validation failed: " + string.Join(", ", causes.Select(c => c.Split(':')[0])), causes);
}
