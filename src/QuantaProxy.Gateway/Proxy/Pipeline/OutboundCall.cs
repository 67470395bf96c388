using System.Text.Json;
using QuantaProxy.Gateway.Audit;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.Okta.Transport;

namespace QuantaProxy.Gateway.Proxy.Pipeline;

/// <summary>
/// One outbound call as it moves through the pipeline: what was asked (by whom, for which tenant), and what each stage
/// established. It carries no <see cref="HttpContext"/>, so a call can enter from any front door (the JSON endpoint, an
/// Okta-shaped transparent endpoint) or be resumed later (after an approval).
/// </summary>
public sealed class OutboundCall(CallerContext caller, string tenantId, string requestId, AuditContext audit)
{
    public CallerContext Caller { get; } = caller;
    public string TenantId { get; } = tenantId;
    public string RequestId { get; } = requestId;
    public AuditContext Audit { get; } = audit;

    public required string RequestedIntegrationId { get; init; }
    public required string RequestedOperation { get; init; }
    public JsonElement Payload { get; init; }
    public string? IdempotencyKey { get; init; }
    /// <summary>Set when an approved call is resumed: the approval, and how many distinct people approved it.</summary>
    public string? ApprovalId { get; init; }
    public int Approvals { get; init; }
    /// <summary>Set when a policy held the call for approval instead of running it (the pipeline stopped; answer 202).</summary>
    public Policies.ApprovalRecord? HeldForApproval { get; set; }

    public IntegrationRecord? Integration { get; set; }
    public OktaOperation? Operation { get; set; }
    public ValidatedOktaRequest? Request { get; set; }
    /// <summary>The registered agent making the call (set by the delegation stage; null for an API key).</summary>
    public string? AgentRecordId { get; set; }
    /// <summary>The person an agent acts for, as Okta reported them (set by the delegation stage once it allowed the call).</summary>
    public Agents.OktaPerson? Human { get; set; }
    public OktaCallContext? OktaContext { get; set; }
    public OktaCallResult? Result { get; set; }

    /// <summary>The answer: the sealed envelope's JSON (or the stored one, replayed).</summary>
    public byte[]? Envelope { get; set; }
    public bool Replayed { get; set; }

    public IntegrationRecord ResolvedIntegration => Integration ?? throw new InvalidOperationException("The integration stage has not run.");
    public OktaOperation ResolvedOperation => Operation ?? throw new InvalidOperationException("The operation stage has not run.");
}
