using QuantaProxy.Gateway.Auth;

namespace QuantaProxy.Gateway.Policies;

/// <summary>
/// Who an approver is. Approvals must come from distinct people, never from the caller and never from the person the call
/// was made for, so an approver is counted as a person whenever a verified credential names one: a console session signed
/// in with the tenant's Okta (<c>console:&lt;issuer&gt;|&lt;sub&gt;</c>, whose <c>sub</c> is the Okta user id) or an agent
/// token acting for a person. A caller that names no person (an API key, the bootstrap admin-key session) is counted as itself.
/// </summary>
public static class ApprovalApprovers
{
    private const string ConsolePrefix = "console:";
    private const string BootstrapPrefix = "console:admin-key|";

    /// <summary>The Okta user id of the person behind <paramref name="caller"/>, or null when no verified credential names one.</summary>
    public static string? PersonOf(CallerContext caller)
    {
        if (caller.Agent?.Human is { } human) return human.UserId;
        var id = caller.ApiKeyId;
        if (!id.StartsWith(ConsolePrefix, StringComparison.Ordinal) || id.StartsWith(BootstrapPrefix, StringComparison.Ordinal)) return null;
        // The sign-in refuses a subject containing '|', so the last one separates the issuer from the subject.
        var bar = id.LastIndexOf('|');
        return bar > ConsolePrefix.Length && bar < id.Length - 1 ? id[(bar + 1)..] : null;
    }

    /// <summary>What an approval is counted under: the person when one is known, so two sessions of one person count once.</summary>
    public static string IdentityOf(CallerContext caller) => PersonOf(caller) is { } person ? "person:" + person : caller.ApiKeyId;
}
