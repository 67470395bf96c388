using QuantaProxy.Gateway.Auth;

namespace QuantaProxy.Gateway.Policies;

/// <summary>
/// Who an approver is. Approvals must come from distinct people, never from the caller and never from the person the call
/// was made for, so an approver is counted as a person whenever a verified credential names one: a console session signed
/// in with the tenant's Okta (whose <c>sub</c> is the Okta user id) or an agent token acting for a person
/// (<see cref="CallerContext.PersonId"/>, set only where the credential is verified). A caller that names no person (an API
/// key, the bootstrap admin-key session) is counted as itself.
/// </summary>
public static class ApprovalApprovers
{
    /// <summary>The Okta user id of the person behind <paramref name="caller"/>, or null when no verified credential names one.</summary>
    public static string? PersonOf(CallerContext caller) => caller.PersonId;

    /// <summary>What an approval is counted under: the person when one is known, so two sessions of one person count once.</summary>
    public static string IdentityOf(CallerContext caller) => PersonOf(caller) is { } person ? "person:" + person : caller.ApiKeyId;
}
