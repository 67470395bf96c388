using System.Collections.Frozen;

namespace QuantaProxy.OktaSandbox.EventHooks;

/// <summary>The System Log event types the sandbox emits, and which of Okta's event-hook-eligible types a hook may subscribe to.</summary>
internal static class HookEventTypes
{
    public const string UserDeactivated = "user.lifecycle.deactivate";
    public const string UserSuspended = "user.lifecycle.suspend";
    public const string UserDeleted = "user.lifecycle.delete.initiated";
    public const string GroupMemberRemoved = "group.user_membership.remove";
    public const string AppUserRemoved = "application.user_membership.remove";
    public const string SessionsCleared = "user.session.clear";

    /// <summary>
    /// Okta's event-hook-eligible types a subscription may name: the ones emitted here and common ones it does not emit (a hook
    /// subscribed to those simply never fires in the sandbox).
    /// </summary>
    public static readonly FrozenSet<string> Eligible = new[]
    {
        UserDeactivated, UserSuspended, UserDeleted, GroupMemberRemoved, AppUserRemoved, SessionsCleared,
        "user.lifecycle.create", "user.lifecycle.activate", "user.lifecycle.reactivate", "user.lifecycle.unsuspend", "user.lifecycle.delete.completed",
        "group.user_membership.add", "application.user_membership.add", "user.account.update_profile", "user.account.lock",
        "user.session.start", "user.session.end", "user.mfa.factor.deactivate", "user.account.privilege.revoke",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>What the System Log says about each emitted type: <c>displayMessage</c> and <c>legacyEventType</c>.</summary>
    public static (string DisplayMessage, string LegacyEventType) Describe(string eventType) => eventType switch
    {
        UserDeactivated => ("Deactivate Okta user", "core.user.config.user_deactivated"),
        UserSuspended => ("Suspend Okta user", "core.user.config.user_suspended"),
        UserDeleted => ("Delete Okta user", "core.user.config.user_deleted"),
        GroupMemberRemoved => ("Remove user from group membership", "core.user_group_member.user_remove"),
        AppUserRemoved => ("Remove user from application membership", "app.generic.unprovision.user_unassigned"),
        SessionsCleared => ("Clear user session", "core.user_auth.session_clear"),
        _ => (eventType, eventType),
    };
}
