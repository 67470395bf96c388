using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using QuantaProxy.Crypto.Formats;
using QuantaProxy.Gateway.Agents;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Http;
using QuantaProxy.Gateway.Okta.Transport;
using QuantaProxy.Gateway.Proxy.Pipeline;

namespace QuantaProxy.Gateway.Transparent;

/// <summary>
/// The transparent front door: <c>{gateway}/okta/{integration_id}</c> is an Okta SDK's <c>orgUrl</c>, and its Okta-shaped
/// requests run through the same stages as <c>/api/v2/proxy/outbound</c>, answered in Okta's own shape (docs/transparent-mode.md).
/// </summary>
public static class TransparentEndpoints
{
    public const string Prefix = "/okta";

    public static void MapTransparentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Prefix + "/{integrationId}/{**oktaPath}", ["GET", "POST", "PUT", "DELETE"], CallAsync)
            .WithTags("Proxy").WithName("ProxyTransparent").RequireScope(ApiScopes.ProxyInvoke)
            .WithMetadata(AcceptsAgentTokens.Instance).WithMetadata(AcceptsSswsApiKey.Instance)
            .WithDescription("Okta's Management API as an Okta SDK sees it (Authorization: SSWS <QuantaProxy API key>), limited to the integration's allowed catalog operations; answers carry X-QuantaProxy-Audit-Event and X-QuantaProxy-Signature.");
    }

    private static async Task CallAsync(HttpContext http, string integrationId, RequestBody requestBody, TransparentPipeline pipeline,
        ResolveIntegrationStage integrations, ProxyDenials denials, AuditRecorder recorder)
    {
        var caller = CallerContext.Get(http);
        var tenantId = caller.ResolveTenant(null);
        var audit = AuditContext.Get(http)!;
        audit.TenantId = tenantId;
        var (oktaPath, rawTarget) = OktaPathOf(http, integrationId);
        var matched = TransparentRoutes.TryMatch(http.Request.Method, oktaPath, out var operation, out var arguments);
        var call = new OutboundCall(caller, tenantId, RequestIdMiddleware.Get(http)!, audit)
        {
            RequestedIntegrationId = integrationId,
            RequestedOperation = matched ? operation.Name : "",
            Payload = default,
        };
        try
        {
            var body = HasBody(http.Request) ? await requestBody.ReadRawAsync(http) : [];
            audit.RequestDigest = RequestDigest(http.Request.Method, rawTarget, body);
            if (!matched)
            {
                // An unknown integration is still a 404; a call outside the catalog is a refusal, recorded like any other.
                await integrations.RunAsync(call, http.RequestAborted);
                throw await denials.RecordAsync(call, new ApiException(403, ProblemCodes.OperationNotAllowed, $"{http.Request.Method} {Bounded(oktaPath)} is not a catalog operation."));
            }
            System.Text.Json.JsonElement payload;
            try
            {
                payload = TransparentPayload.Build(operation, arguments, http.Request.Query, body);
            }
            catch (TransparentRequestException e)
            {
                await integrations.RunAsync(call, http.RequestAborted);
                call.Operation = operation;
                throw await denials.RecordAsync(call, new ApiException(400, ProblemCodes.InvalidPayload, e.Message, e.Field));
            }
            call = new OutboundCall(caller, tenantId, call.RequestId, audit)
            {
                RequestedIntegrationId = integrationId,
                RequestedOperation = operation.Name,
                Payload = payload,
            };
            var exchange = new TransparentExchange($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{Prefix}/{Uri.EscapeDataString(integrationId)}");
            TransparentExchange.Attach(call, exchange);
            await pipeline.RunAsync(call, http.RequestAborted);

            http.Response.StatusCode = exchange.Status;
            foreach (var (name, value) in exchange.Headers) http.Response.Headers.Append(name, value);
            if (!exchange.Body.IsEmpty) await http.Response.Body.WriteAsync(exchange.Body, http.RequestAborted);
        }
        catch (ApiException e)
        {
            // A refusal no stage recorded (an unknown integration, an unreadable body) is still an event, as on every endpoint.
            if (!audit.Recorded)
                await recorder.RecordAsync(audit, tenantId, AuditEventTypes.RequestRejected, e.Code, new AuditDetails(Detail: $"status={e.Status};path={Bounded(http.Request.Path.Value ?? "")}"));
            var (status, code, summary, cause) = OktaErrorAnswer.From(e);
            await OktaErrorAnswer.WriteAsync(http, status, code, summary, cause, audit.Recorded ? audit.EventId : null, e.RetryAfter);
        }
        catch (OktaCallException e)
        {
            var (status, code, summary, cause) = OktaErrorAnswer.From(e);
            await OktaErrorAnswer.WriteAsync(http, status, code, summary, cause, audit.Recorded ? audit.EventId : null, OktaProblemsRetryAfter(e));
        }
    }

    private static TimeSpan? OktaProblemsRetryAfter(OktaCallException e) => Proxy.OktaProblems.From(e).RetryAfter;

    /// <summary>
    /// Okta's path as the client wrote it (still percent-encoded, so an encoded <c>/</c> stays inside its segment) and the
    /// raw request target. The router's decoded path would merge such a segment with the next.
    /// </summary>
    private static (string OktaPath, string RawTarget) OktaPathOf(HttpContext http, string integrationId)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        var prefix = $"{http.Request.PathBase}{Prefix}/{integrationId}/";
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? raw : raw[..query];
        // Anything but origin-form (an absolute URI, or an integration id spelled with escapes) matches no route.
        return (path.StartsWith(prefix, StringComparison.Ordinal) ? path[(prefix.Length - 1)..] : "", raw);
    }

    private static bool HasBody(HttpRequest request) => request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    /// <summary>The event's request_digest: SHA-256 of F("qp-transparent-request-v1") ‖ F(method) ‖ F(request target) ‖ F(body).</summary>
    private static string RequestDigest(string method, string rawTarget, byte[] body) =>
        Convert.ToHexStringLower(SHA256.HashData(new LengthPrefixedWriter(rawTarget.Length + body.Length + 64)
            .Add("qp-transparent-request-v1").Add(method).Add(rawTarget).Add(body).WrittenSpan));

    private static string Bounded(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
