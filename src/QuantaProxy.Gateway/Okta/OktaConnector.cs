using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Polly;
using Yarp.ReverseProxy.Forwarder;

namespace QuantaProxy.Gateway.Okta;

/// <summary>
/// Sends one validated Okta request through YARP's forwarder (pooled handler per org) under the integration's
/// resilience policy, and reduces Okta's answer to an <see cref="OktaCallResult"/>.
/// </summary>
public sealed class OktaConnector(IHttpForwarder forwarder, OktaHttpClients clients, OktaResilience resilience, OktaAuthorization authorization, OktaCursors cursors, TimeProvider time)
{
    public const int MaxResponseBytes = 8 * 1024 * 1024;
    internal const string UserAgent = "QuantaProxy/1.0";
    /// <summary>The invariant of <see cref="OktaWirePath"/> failed just before sending: a refusal, not an upstream failure.</summary>
    public const string PathMismatchCode = "request_path_mismatch";

    public async Task<OktaCallResult> CallAsync(OktaCallContext context, OktaOperation operation, ValidatedOktaRequest request, CancellationToken ct)
    {
        var lane = resilience.For(context.IntegrationId);
        if (!await lane.Concurrency.WaitAsync(TimeSpan.Zero, ct))
            throw new OktaCallException("concurrency_limit", "Too many concurrent calls for this integration.") { RetryAfter = TimeSpan.FromSeconds(1) };
        try
        {
            using var credential = new OktaCredentialLease(context);
            var state = new OktaCallState(operation, time.GetUtcNow() + resilience.CallTimeout);
            var resilienceContext = ResilienceContextPool.Shared.Get(ct);
            resilienceContext.Properties.Set(OktaResilience.StateKey, state);
            OktaAttempt attempt;
            try
            {
                attempt = await lane.Pipeline.ExecuteAsync(
                    static (rc, args) => args.Self.SendOnceAsync(args.Context, args.Credential, args.Request, args.State, rc.CancellationToken),
                    resilienceContext, (Self: this, Context: context, Credential: credential, Request: request, State: state));
            }
            catch (Exception e) when (OktaResilience.IsTimeout(e))
            {
                throw new OktaCallException("upstream_timeout", "Okta did not answer within the call's deadline.", e) { MayHaveReachedOkta = state.MayHaveReachedOkta };
            }
            catch (Exception e) when (OktaResilience.IsOpenCircuit(e, out var retryAfter))
            {
                throw new OktaCallException("circuit_open", "Calls to this Okta org are paused after repeated failures.", e)
                    { RetryAfter = retryAfter, MayHaveReachedOkta = state.MayHaveReachedOkta };
            }
            catch (OktaTransportException e)
            {
                throw new OktaCallException("upstream_unavailable", "Okta could not be reached.", e) { MayHaveReachedOkta = state.MayHaveReachedOkta };
            }
            finally
            {
                ResilienceContextPool.Shared.Return(resilienceContext);
            }

            if (attempt.RateLimit is { } rateLimit) Telemetry.GatewayTelemetry.RecordRateLimitRemaining(context.IntegrationId, rateLimit.Remaining);
            if (attempt.Status == 429)
            {
                var wait = OktaResilience.RateLimitWait(attempt, time.GetUtcNow());
                // Okta refused the request before acting on it, so the caller may send it again after the reset.
                throw new OktaCallException("okta_rate_limited", "Okta's rate limit is spent beyond this call's deadline or retry budget.")
                    { RetryAfter = wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait, MayHaveReachedOkta = state.TransientRetries > 0 };
            }
            var links = attempt.Headers["Link"].Where(v => v is not null).Select(v => v!).ToList();
            var next = LinkHeader.FindNext(links);
            return new OktaCallResult
            {
                Status = attempt.Status,
                OktaRequestId = attempt.RequestId,
                RateLimit = attempt.RateLimit,
                // The whole next-link query, bound to this call, so the next page continues exactly this query.
                NextCursor = next is null ? null : await cursors.IssueAsync(context, operation, request, next, ct),
                Body = attempt.Body,
                Hint = OktaHints.For(operation, attempt),
                Links = links,
            };
        }
        finally
        {
            lane.Concurrency.Release();
        }
    }

    private async ValueTask<OktaAttempt> SendOnceAsync(OktaCallContext context, OktaCredentialLease credential, ValidatedOktaRequest request, OktaCallState state, CancellationToken ct)
    {
        state.Attempts++;
        OktaRequestCredentials credentials;
        try
        {
            credentials = await authorization.ForAsync(context, credential, request, refused: null, ct);
        }
        catch (OktaTokenRefusedException e)
        {
            return OktaAttempt.FromTokenRefusal(e);
        }
        var attempt = await ForwardAsync(context, credentials, request, state, ct);
        if (attempt.Status == 401 && credentials.Token is not null && !state.TokenRenewed)
        {
            // Okta refused the token before acting on the request (revoked, expired early, key rotated): renew it once
            // and send again; a second 401 is Okta's answer.
            state.TokenRenewed = true;
            try
            {
                credentials = await authorization.ForAsync(context, credential, request, refused: credentials.Token, ct);
            }
            catch (OktaTokenRefusedException e)
            {
                return OktaAttempt.FromTokenRefusal(e);
            }
            attempt = await ForwardAsync(context, credentials, request, state, ct);
        }
        return attempt;
    }

    private async ValueTask<OktaAttempt> ForwardAsync(OktaCallContext context, OktaRequestCredentials credentials, ValidatedOktaRequest request, OktaCallState state, CancellationToken ct)
    {
        using var activity = Telemetry.GatewayTelemetry.Source.StartActivity("okta.request");
        activity?.SetTag("qp.integration_id", context.IntegrationId);
        activity?.SetTag("qp.operation", state.Operation.Name);
        var http = new DefaultHttpContext { RequestAborted = ct };
        var query = request.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        http.Request.Method = request.Method.Method;
        http.Request.Path = PathString.FromUriComponent(query < 0 ? request.PathAndQuery : request.PathAndQuery[..query]);
        http.Request.QueryString = query < 0 ? QueryString.Empty : QueryString.FromUriComponent(request.PathAndQuery[query..]);
        http.Request.Headers.Accept = "application/json";
        http.Request.Headers.UserAgent = UserAgent;
        http.Request.Headers.Authorization = credentials.Authorization;
        if (credentials.DpopProof is not null) http.Request.Headers["DPoP"] = credentials.DpopProof;
        if (state.RetryFor is not null && state.RateLimitRetries > 0)
        {
            http.Request.Headers["X-Okta-Retry-For"] = state.RetryFor;
            http.Request.Headers["X-Okta-Retry-Count"] = state.RateLimitRetries.ToString(CultureInfo.InvariantCulture);
        }
        http.Features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection(request.JsonBody is not null));
        if (request.JsonBody is not null)
        {
            http.Request.ContentType = "application/json";
            http.Request.ContentLength = request.JsonBody.Length;
            http.Request.Body = new MemoryStream(request.JsonBody, writable: false);
        }
        WirePathGuard.Expect(http, request);
        var capture = new BoundedCaptureStream(MaxResponseBytes);
        http.Response.Body = capture;

        var config = new ForwarderRequestConfig { ActivityTimeout = resilience.CallTimeout, Version = new Version(1, 1), VersionPolicy = HttpVersionPolicy.RequestVersionOrHigher };
        var error = await forwarder.SendAsync(http, context.OktaBaseUri.GetLeftPart(UriPartial.Authority), clients.For(context.OktaBaseUri), config, WirePathGuard.Instance, ct);
        if (error == ForwarderError.None)
        {
            state.MayHaveReachedOkta = true;
            activity?.SetTag("http.response.status_code", http.Response.StatusCode);
            return new OktaAttempt(http.Response.StatusCode, http.Response.Headers, capture.Captured);
        }
        ct.ThrowIfCancellationRequested();
        var cause = http.Features.Get<IForwarderErrorFeature>()?.Exception;
        if (cause is WirePathMismatchException)
            throw new OktaCallException(PathMismatchCode, "The request's path would not be the catalog operation's path; it was not sent.", cause) { MayHaveReachedOkta = false };
        if (capture.Overflowed)
        {
            state.MayHaveReachedOkta = true;
            throw new OktaCallException("upstream_response_too_large", "Okta's answer exceeded the size limit.") { MayHaveReachedOkta = true };
        }
        activity?.SetTag("qp.outcome", error.ToString());
        var unsent = error == ForwarderError.Request && cause is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
        if (!unsent) state.MayHaveReachedOkta = true;
        throw new OktaTransportException(!unsent, cause);
    }

    private sealed class BodyDetection(bool canHaveBody) : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody { get; } = canHaveBody;
    }
}
