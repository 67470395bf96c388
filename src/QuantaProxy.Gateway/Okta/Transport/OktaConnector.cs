using Polly;
using QuantaProxy.Gateway.Okta.Authentication;
using QuantaProxy.Gateway.Okta.Catalog;

namespace QuantaProxy.Gateway.Okta.Transport;

/// <summary>
/// Sends one validated Okta request (pooled handler per org) under the integration's resilience policy, and reduces
/// Okta's answer to an <see cref="OktaCallResult"/>. The gateway is itself the client here: it builds the request from the
/// catalog, so it sends an <see cref="HttpRequestMessage"/> directly; YARP's forwarder is for relaying a caller's request.
/// </summary>
public sealed class OktaConnector(OktaHttpClients clients, OktaResilience resilience, OktaAuthorization authorization, OktaCursors cursors, TimeProvider time)
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
        var attempt = await ExchangeAsync(context, credentials, request, state, ct);
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
            attempt = await ExchangeAsync(context, credentials, request, state, ct);
        }
        return attempt;
    }

    private async ValueTask<OktaAttempt> ExchangeAsync(OktaCallContext context, OktaRequestCredentials credentials, ValidatedOktaRequest request, OktaCallState state, CancellationToken ct)
    {
        using var activity = Telemetry.GatewayTelemetry.Source.StartActivity("okta.request");
        activity?.SetTag("qp.integration_id", context.IntegrationId);
        activity?.SetTag("qp.operation", state.Operation.Name);
        using var message = OktaRequestMessage.Create(context.OktaBaseUri, request, credentials, state);
        // The last look before the wire: the exact URI and method the handler will send must be the catalog's.
        if (!OktaWirePath.Matches(request, message.Method, message.RequestUri!))
            throw new OktaCallException(PathMismatchCode, "The request's path would not be the catalog operation's path; it was not sent.") { MayHaveReachedOkta = false };

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(resilience.CallTimeout);
        HttpResponseMessage response;
        try
        {
            response = await clients.For(context.OktaBaseUri).SendAsync(message, deadline.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            var unsent = e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError };
            if (!unsent) state.MayHaveReachedOkta = true;
            activity?.SetTag("qp.outcome", unsent ? "connect_failed" : "send_failed");
            throw new OktaTransportException(!unsent, e);
        }
        using (response)
        {
            state.MayHaveReachedOkta = true;
            activity?.SetTag("http.response.status_code", (int)response.StatusCode);
            var headers = OktaResponseHeaders.From(response);
            if (response.Content.Headers.ContentLength > MaxResponseBytes)
                throw new OktaCallException("upstream_response_too_large", "Okta's answer exceeded the size limit.") { MayHaveReachedOkta = true };
            var capture = new BoundedCaptureStream(MaxResponseBytes);
            try
            {
                await response.Content.CopyToAsync(capture, deadline.Token);
            }
            catch (IOException) when (capture.Overflowed)
            {
                throw new OktaCallException("upstream_response_too_large", "Okta's answer exceeded the size limit.") { MayHaveReachedOkta = true };
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                activity?.SetTag("qp.outcome", "response_failed");
                throw new OktaTransportException(true, e);
            }
            return new OktaAttempt((int)response.StatusCode, headers, capture.Captured);
        }
    }
}
