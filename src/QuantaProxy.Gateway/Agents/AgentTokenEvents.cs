using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Errors;

namespace QuantaProxy.Gateway.Agents;

/// <summary>
/// The <c>AgentToken</c> scheme's hooks into the framework's JWT bearer handler: it reads <c>Authorization: Bearer</c> and
/// <c>Authorization: DPoP</c>, demands a valid proof for a DPoP-bound token (and refuses one sent as a bearer), turns the
/// verified token into the caller model, and answers refusals as problem+json.
/// </summary>
public sealed class AgentTokenEvents : JwtBearerEvents
{
    private static readonly object SchemeKey = new();

    public override Task MessageReceived(MessageReceivedContext context)
    {
        var values = context.Request.Headers.Authorization;
        var value = values.Count == 1 ? values[0] ?? "" : "";
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space > 0 ? value[..space] : "";
        var token = space > 0 ? value[(space + 1)..].Trim() : "";
        if (token.Length == 0 || !(scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || scheme.Equals("DPoP", StringComparison.OrdinalIgnoreCase)))
        {
            context.Fail(new AgentTokenException("Send one Authorization header: Bearer <token> or DPoP <token>."));
            return Task.CompletedTask;
        }
        context.HttpContext.Items[SchemeKey] = scheme.Equals("DPoP", StringComparison.OrdinalIgnoreCase) ? "DPoP" : "Bearer";
        context.Token = token;
        return Task.CompletedTask;
    }

    public override async Task TokenValidated(TokenValidatedContext context)
    {
        try
        {
            var services = context.HttpContext.RequestServices;
            var verified = context.SecurityToken as JsonWebToken ?? throw new AgentTokenException("The token is not a JWT.");
            var trustedIssuerId = context.Principal?.FindFirst(AgentTokenValidator.TrustedIssuerClaim)?.Value ?? throw new AgentTokenException("The token's issuer is not trusted.");
            var issuer = (await services.GetRequiredService<TrustedIssuerRegistry>().FindAsync(verified.Issuer, context.HttpContext.RequestAborted))
                .FirstOrDefault(r => r.Id == trustedIssuerId) ?? throw new AgentTokenException("The token's issuer is not trusted.");
            var identity = AgentClaimsReader.Read(verified, issuer);

            var presentedAs = context.HttpContext.Items[SchemeKey] as string;
            var jkt = AgentClaimsReader.BoundThumbprint(verified);
            if (jkt is not null)
            {
                if (presentedAs != "DPoP") throw new AgentTokenException("This token is DPoP-bound: send it as Authorization: DPoP with a DPoP proof.");
                await services.GetRequiredService<DpopProofValidator>().ValidateAsync(context.Request, verified.EncodedToken, jkt);
            }
            else if (presentedAs == "DPoP")
            {
                throw new AgentTokenException("This token is not DPoP-bound: send it as Authorization: Bearer.");
            }

            var caller = new CallerContext(identity.Actor, identity.TenantId, [ApiScopes.ProxyInvoke], identity);
            context.Principal = CallerClaims.ToPrincipal(caller, AgentTokenAuthentication.SchemeName);
            CallerContext.Set(context.HttpContext, caller);
        }
        catch (AgentTokenException e)
        {
            context.Fail(e);
        }
    }

    public override Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        context.Response.Headers.WWWAuthenticate = "Bearer, DPoP algs=\"RS256 ES256 PS256\"";
        var message = context.AuthenticateFailure is AgentTokenException e ? e.Message : "Send an agent token (Authorization: Bearer or DPoP) or an API key.";
        return ProblemWriter.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, ProblemCodes.Unauthenticated, message);
    }

    public override Task Forbidden(ForbiddenContext context) =>
        ProblemWriter.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, ProblemCodes.InsufficientScope, "This agent may not use this endpoint.");
}
