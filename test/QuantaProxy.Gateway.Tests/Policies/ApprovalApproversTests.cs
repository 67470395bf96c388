using QuantaProxy.Gateway.Agents;
using QuantaProxy.Gateway.ApiKeys;
using QuantaProxy.Gateway.Auth;
using QuantaProxy.Gateway.Policies;
using QuantaProxy.Gateway.WebConsole.SignIn;

namespace QuantaProxy.Gateway.Tests.Policies;

public sealed class ApprovalApproversTests
{
    private const string Tenant = "ten_01M00000000000000000000000";
    private static readonly string[] Decide = [ApiScopes.ApprovalsDecide];

    private static CallerContext Agent(string? userId) =>
        new("agent:bot", Tenant, Decide, new AgentIdentity("tis_1", Tenant, "https://acme.okta.com/oauth2/default", "bot", "agbac",
            userId is null ? null : new HumanIdentity(userId, "p@example.com"), []));

    private static CallerContext ConsolePerson(string sub) =>
        new($"console:https://acme.okta.com/oauth2/default|{sub}", Tenant, Decide, personId: sub);

    [Test]
    public void A_console_person_is_the_subject_of_their_verified_sign_in_also_after_the_session_cookie()
    {
        var caller = ConsolePerson("00ualice");
        Assert.That(ApprovalApprovers.PersonOf(caller), Is.EqualTo("00ualice"));
        Assert.That(ApprovalApprovers.IdentityOf(caller), Is.EqualTo("person:00ualice"));
        // The session cookie carries the caller as claims: the person comes back from them, not from the actor's text.
        var back = CallerClaims.FromPrincipal(CallerClaims.ToPrincipal(caller, "test"))!;
        Assert.That(ApprovalApprovers.IdentityOf(back), Is.EqualTo("person:00ualice"));
    }

    [Test]
    public void An_actor_that_merely_looks_like_a_console_person_names_no_one()
    {
        var lookalike = new CallerContext("console:https://acme.okta.com/oauth2/default|00ualice", Tenant, Decide);
        Assert.That(ApprovalApprovers.PersonOf(lookalike), Is.Null);
        Assert.That(ApprovalApprovers.PersonOf(CallerClaims.FromPrincipal(CallerClaims.ToPrincipal(lookalike, "test"))!), Is.Null);
    }

    [Test]
    public void An_agent_acting_for_a_person_counts_as_that_person_so_two_ways_in_approve_once()
    {
        var console = ConsolePerson("00ualice");
        Assert.That(ApprovalApprovers.IdentityOf(Agent("00ualice")), Is.EqualTo(ApprovalApprovers.IdentityOf(console)));
        Assert.That(ApprovalApprovers.IdentityOf(Agent("00ubob")), Is.Not.EqualTo(ApprovalApprovers.IdentityOf(console)));
    }

    [TestCase("key_01M00000000000000000000000")]
    [TestCase("console:admin-key|key_01M00000000000000000000000")]
    [TestCase("console:|")]
    [TestCase("console:https://acme.okta.com|")]
    public void A_caller_naming_no_person_is_counted_as_itself(string id)
    {
        var caller = new CallerContext(id, Tenant, Decide);
        Assert.That(ApprovalApprovers.PersonOf(caller), Is.Null);
        Assert.That(ApprovalApprovers.IdentityOf(caller), Is.EqualTo(id));
        Assert.That(ApprovalApprovers.PersonOf(Agent(null)), Is.Null);
    }

    [Test]
    public void The_console_approver_role_decides_and_reads_the_audit_but_changes_nothing_else()
    {
        Assert.That(ConsoleRoles.Scopes(ConsoleRoles.Approver), Is.EquivalentTo(new[] { ApiScopes.ApprovalsDecide, ApiScopes.AuditRead }));
        Assert.That(ConsoleRoles.Scopes(ConsoleRoles.Auditor), Does.Not.Contain(ApiScopes.ApprovalsDecide));
    }

    [Test]
    public void An_okta_session_without_its_person_is_not_current_and_a_bootstrap_session_needs_none()
    {
        var now = DateTimeOffset.UnixEpoch;
        Assert.That(QuantaProxy.Gateway.WebConsole.ConsoleSession.NamesItsPerson(QuantaProxy.Gateway.WebConsole.ConsoleSession.Create(
            ConsolePerson("00ualice"), Tenant, ConsoleRoles.Approver, QuantaProxy.Gateway.WebConsole.ConsoleSession.KindOidc, "alice", now)), Is.True);
        // Issued before sessions carried the person: it would approve as nobody, so it is refused and the person signs in again.
        var old = new CallerContext("console:https://acme.okta.com/oauth2/default|00ualice", Tenant, Decide);
        Assert.That(QuantaProxy.Gateway.WebConsole.ConsoleSession.NamesItsPerson(QuantaProxy.Gateway.WebConsole.ConsoleSession.Create(
            old, Tenant, ConsoleRoles.Approver, QuantaProxy.Gateway.WebConsole.ConsoleSession.KindOidc, "alice", now)), Is.False);
        var bootstrap = new CallerContext("console:admin-key|key_01M00000000000000000000000", Tenant, Decide);
        Assert.That(QuantaProxy.Gateway.WebConsole.ConsoleSession.NamesItsPerson(QuantaProxy.Gateway.WebConsole.ConsoleSession.Create(
            bootstrap, Tenant, ConsoleRoles.TenantAdmin, QuantaProxy.Gateway.WebConsole.ConsoleSession.KindBootstrap, "admin", now)), Is.True);
    }
}
