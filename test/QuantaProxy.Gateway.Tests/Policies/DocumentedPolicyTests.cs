using QuantaProxy.Gateway.Integrations;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.Policies;

namespace QuantaProxy.Gateway.Tests.Policies;

/// <summary>
/// Every example of docs/policies.md is a file under docs/policies/ that passes the upload checks (parse, schema,
/// limits) and makes the decision the documentation says, evaluated exactly as the policy stage evaluates a call.
/// </summary>
public sealed class DocumentedPolicyTests
{
    private const string Contractors = "00gcontractors000001";
    private const string Administrators = "00gadministrators001";
    private static readonly IntegrationRecord Integration = new("int_01M00000000000000000000000", "ten_01M00000000000000000000000", "okta", "okta",
        "https://example.okta.com", "vlt_01M00000000000000000000000", [], [], "2026-12-04T00:00:00.000Z", "2026-12-04T00:00:00.000Z");
    private static readonly DateTimeOffset TuesdayNoon = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly PolicyHuman Alice = new("00ualice", "alice@example.com", "ACTIVE", []);

    private static string DocsDirectory()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QuantaProxy.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("QuantaProxy.sln not found above the test directory."), "docs", "policies");
    }

    private static ActivePolicySet Load(string name) =>
        ActivePolicySet.Compile(File.ReadAllText(Path.Combine(DocsDirectory(), name)), 1, new PolicyOptions());

    private static PolicyOutcome Decide(string file, string operation, object? args = null, PolicyTarget? target = null, PolicyHuman? human = null, DateTimeOffset? at = null,
        PolicyTargetGroup? group = null)
    {
        Assert.That(OktaOperationCatalog.Default.TryGet(operation, out var op), Is.True, operation);
        var payload = System.Text.Json.JsonSerializer.SerializeToElement(args ?? new { });
        var bound = op.Validate(payload);
        var facts = new PolicyFacts(PolicyPrincipal.Agent("https://idp.example.com", "helpdesk-bot", Integration.TenantId), op, Integration, human, bound.Arguments,
            target, at ?? TuesdayNoon, 0, group);
        return PolicyEvaluator.Evaluate(Load(file), facts);
    }

    [Test]
    public void Every_documented_policy_file_passes_the_upload_checks()
    {
        var files = Directory.GetFiles(DocsDirectory(), "*.cedar");
        Assert.That(files, Has.Length.EqualTo(5));
        foreach (var file in files) Assert.DoesNotThrow(() => Load(Path.GetFileName(file)), file);
    }

    [Test]
    public void Deactivating_is_allowed_only_for_a_member_of_Contractors()
    {
        var contractor = Decide("deactivate-only-contractors.cedar", "deactivate_user", new { user_id = "00u1" }, new PolicyTarget("ACTIVE", [Contractors]));
        Assert.That(contractor.Allowed, Is.True);
        var employee = Decide("deactivate-only-contractors.cedar", "deactivate_user", new { user_id = "00u2" }, new PolicyTarget("ACTIVE", ["00gemployees00000001"]));
        Assert.That(employee.Allowed, Is.False);
        Assert.That(employee.DeterminingPolicies, Is.EqualTo(new[] { "deactivate-only-contractors" }));
        Assert.That(employee.Reasons[0], Does.Contain("Contractors"));
        Assert.That(Decide("deactivate-only-contractors.cedar", "suspend_user", new { user_id = "00u2" }, new PolicyTarget("ACTIVE", [])).Allowed, Is.True);
    }

    [Test]
    public void Members_of_Administrators_are_never_changed_but_may_be_read()
    {
        var admin = new PolicyTarget("ACTIVE", [Administrators, Contractors]);
        Assert.That(Decide("never-touch-administrators.cedar", "suspend_user", new { user_id = "00u1" }, admin).DeterminingPolicies, Is.EqualTo(new[] { "never-touch-administrators" }));
        Assert.That(Decide("never-touch-administrators.cedar", "deactivate_user", new { user_id = "00u1" }, admin).Allowed, Is.False);
        Assert.That(Decide("never-touch-administrators.cedar", "get_user", new { user_id = "00u1" }, admin).Allowed, Is.True);
        Assert.That(Decide("never-touch-administrators.cedar", "suspend_user", new { user_id = "00u2" }, new PolicyTarget("ACTIVE", [Contractors])).Allowed, Is.True);
    }

    [Test]
    public void Nobody_is_added_to_Administrators_but_other_groups_change_freely()
    {
        var args = new { group_id = Administrators, user_id = "00u2" };
        var admins = new PolicyTargetGroup(Administrators, "Administrators", "OKTA_GROUP");
        var adding = Decide("never-touch-administrators.cedar", "add_user_to_group", args, group: admins);
        Assert.That(adding.DeterminingPolicies, Is.EqualTo(new[] { "never-grow-administrators" }));
        Assert.That(adding.Reasons[0], Does.Contain("managed in Okta"));
        Assert.That(Decide("never-touch-administrators.cedar", "remove_user_from_group", args, group: admins).Allowed, Is.False);
        Assert.That(Decide("never-touch-administrators.cedar", "list_group_members", new { group_id = Administrators }, group: admins).Allowed, Is.True);
        Assert.That(Decide("never-touch-administrators.cedar", "add_user_to_group", new { group_id = Contractors, user_id = "00u2" },
            group: new PolicyTargetGroup(Contractors, "Contractors", "OKTA_GROUP")).Allowed, Is.True);
    }

    [Test]
    public void Listing_users_needs_a_department_search()
    {
        Assert.That(Decide("list-users-by-department.cedar", "list_users", new { search = "profile.department eq \"Sales\"", limit = 10 }).Allowed, Is.True);
        var unfiltered = Decide("list-users-by-department.cedar", "list_users", new { limit = 10 });
        Assert.That(unfiltered.Allowed, Is.False);
        Assert.That(unfiltered.Failed, Is.False, "the forbid guards the optional argument with has");
        Assert.That(unfiltered.DeterminingPolicies, Is.EqualTo(new[] { "list-users-by-department" }));
        Assert.That(Decide("list-users-by-department.cedar", "list_users", new { search = "profile.title eq \"CEO\"" }).Allowed, Is.False);
        Assert.That(Decide("list-users-by-department.cedar", "list_groups").Allowed, Is.True);
        Assert.That(Decide("list-users-by-department.cedar", "suspend_user", new { user_id = "00u1" }).Allowed, Is.False, "writes have no permit");
    }

    [Test]
    public void Suspending_anyone_asks_for_one_approval_and_is_never_let_through_without_it()
    {
        var suspend = Decide("suspend-needs-approval.cedar", "suspend_user", new { user_id = "00u1" });
        Assert.That(suspend.NeedsApproval, Is.True);
        Assert.That(suspend.ApprovalsRequired, Is.EqualTo(1));
        Assert.That(suspend.Allowed, Is.False);
        Assert.That(suspend.DeterminingPolicies, Is.EqualTo(new[] { "suspend-needs-approval" }));
        var read = Decide("suspend-needs-approval.cedar", "get_user", new { user_id = "00u1" });
        Assert.That(read.Allowed, Is.True);
        Assert.That(read.NeedsApproval, Is.False);
    }

    [Test]
    public void Nothing_is_done_for_a_person_outside_working_hours()
    {
        Assert.That(Decide("working-hours-only.cedar", "get_user", new { user_id = "00u1" }, human: Alice).Allowed, Is.True);
        var night = Decide("working-hours-only.cedar", "get_user", new { user_id = "00u1" }, human: Alice, at: TuesdayNoon.AddHours(10));
        Assert.That(night.DeterminingPolicies, Is.EqualTo(new[] { "working-hours-only" }));
        Assert.That(Decide("working-hours-only.cedar", "get_user", new { user_id = "00u1" }, human: Alice, at: TuesdayNoon.AddDays(4)).Allowed, Is.False, "Saturday");
        Assert.That(Decide("working-hours-only.cedar", "get_user", new { user_id = "00u1" }, at: TuesdayNoon.AddHours(10)).Allowed, Is.True, "no person: the agent on its own");
    }
}
