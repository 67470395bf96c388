using QuantaProxy.Gateway.Okta.Transport;
using QuantaProxy.Gateway.Proxy;
using Microsoft.AspNetCore.Http.Features;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Kms;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.Errors;

/// <summary>
/// Turns every failure into problem+json with a stable code, and records refusals of authenticated callers in their
/// tenant's chain before answering (a refusal is an event too). If that event cannot be stored the answer becomes 503:
/// the audit fails closed even for errors. Unexpected exceptions are logged with the request id and answered 500 with
/// no detail, so nothing internal (or secret) leaks.
/// </summary>
public sealed class ErrorHandlingMiddleware(RequestDelegate next, AuditRecorder recorder, ILogger<ErrorHandlingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
            // Answers the framework produced without a body (404/405 from routing, 415 from binding, ...) become problems too.
            var status = http.Response.StatusCode;
            if (!http.Response.HasStarted && status >= 400 && http.Response.ContentType is null)
                await FailAsync(http, new ApiException(status, CodeFor(status), DetailFor(status)));
        }
        catch (ApiException e)
        {
            await FailAsync(http, e);
        }
        catch (KmsUnavailableException)
        {
            await FailAsync(http, new ApiException(503, ProblemCodes.KmsUnavailable, "The key management service is unreachable and no cached key is valid; retry later.") { RetryAfter = TimeSpan.FromSeconds(5) });
        }
        catch (KeyUnwrapException e)
        {
            logger.LogError(e, "A wrapped key could not be unwrapped (request {RequestId})", RequestIdMiddleware.Get(http));
            await FailAsync(http, new ApiException(503, ProblemCodes.KmsUnavailable, "A key could not be unwrapped; the operator must check the KMS key and its policy."));
        }
        catch (AuditUnavailableException e)
        {
            logger.LogError(e, "Audit unavailable (request {RequestId})", RequestIdMiddleware.Get(http));
            await ProblemWriter.WriteAsync(http, 503, ProblemCodes.AuditUnavailable, "The audit log could not record this request, so it was not carried out.", retryAfter: TimeSpan.FromSeconds(2));
        }
        catch (OktaCallException e)
        {
            await FailAsync(http, OktaProblems.From(e));
        }
        catch (BadHttpRequestException e)
        {
            await FailAsync(http, new ApiException(e.StatusCode, CodeFor(e.StatusCode), "The request could not be read."));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer, but what the request did so far (an Okta read, say) is recorded.
            await RecordUnansweredAsync(http, "client_disconnected", 499);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Unhandled error (request {RequestId})", RequestIdMiddleware.Get(http));
            await RecordUnansweredAsync(http, ProblemCodes.Internal, 500);
            await ProblemWriter.WriteAsync(http, 500, ProblemCodes.Internal, "An internal error occurred; quote the request id to the operator.");
        }
    }

    /// <summary>Every request that reached a handler leaves an event, even when it ends in an exception or a disconnect.</summary>
    private async Task RecordUnansweredAsync(HttpContext http, string outcome, int status)
    {
        var audit = AuditContext.Get(http);
        var tenantId = audit?.TenantId ?? CallerContext.Find(http)?.TenantId;
        if (audit is not { Recorded: false } || tenantId is null) return;
        try
        {
            await recorder.RecordAsync(http, tenantId, AuditEventTypes.RequestRejected, outcome,
                new AuditDetails(Detail: $"status={status};path={Truncate(http.Request.Path.Value)}"));
        }
        catch (Exception inner) when (inner is AuditUnavailableException or ApiException or OperationCanceledException)
        {
            logger.LogError(inner, "Could not record the end of request {RequestId}", RequestIdMiddleware.Get(http));
        }
    }

    private async Task FailAsync(HttpContext http, ApiException e)
    {
        var audit = AuditContext.Get(http);
        var caller = CallerContext.Find(http);
        var tenantId = audit?.TenantId ?? caller?.TenantId;
        if (audit is { Recorded: false } && caller is not null && tenantId is not null && http.Features.Get<IHttpResponseFeature>() is not null)
        {
            try
            {
                await recorder.RecordAsync(http, tenantId, AuditEventTypes.RequestRejected, e.Code,
                    new AuditDetails(Detail: $"status={e.Status};path={Truncate(http.Request.Path.Value)}"));
            }
            catch (AuditUnavailableException inner)
            {
                logger.LogError(inner, "Audit unavailable while recording a refusal (request {RequestId})", RequestIdMiddleware.Get(http));
                await ProblemWriter.WriteAsync(http, 503, ProblemCodes.AuditUnavailable, "The audit log could not record this request.", retryAfter: TimeSpan.FromSeconds(2));
                return;
            }
            catch (ApiException notFound) when (notFound.Status == StatusCodes.Status404NotFound)
            {
                // The admin key named a tenant that does not exist: there is no chain to record in, and that is the answer.
                e = notFound;
            }
        }
        // On the transparent Okta endpoints a refusal is Okta's error body, which an Okta SDK turns into its usual error.
        if (http.GetEndpoint()?.Metadata.GetMetadata<Auth.AcceptsSswsApiKey>() is not null)
        {
            var (status, code, summary, cause) = Transparent.OktaErrorAnswer.From(e);
            await Transparent.OktaErrorAnswer.WriteAsync(http, status, code, summary, cause, null, e.RetryAfter);
            return;
        }
        await ProblemWriter.WriteAsync(http, e.Status, e.Code, e.Message, e.Field, e.RetryAfter, e.Position);
    }

    private static string CodeFor(int status) => status switch
    {
        404 => ProblemCodes.NotFound,
        405 => ProblemCodes.MethodNotAllowed,
        413 => ProblemCodes.PayloadTooLarge,
        408 => ProblemCodes.RequestTimeout,
        415 => ProblemCodes.UnsupportedMediaType,
        401 => ProblemCodes.Unauthenticated,
        403 => ProblemCodes.InsufficientScope,
        >= 500 => ProblemCodes.Internal,
        _ => ProblemCodes.InvalidRequest,
    };

    private static string DetailFor(int status) => status switch
    {
        404 => "No such resource.",
        405 => "This method is not allowed on this resource.",
        415 => "Send the body as application/json.",
        413 => "The request body is too large.",
        _ => "The request could not be processed.",
    };

    private static string Truncate(string? path) => path is null ? "" : path.Length <= 200 ? path : path[..200];
}
