using System.Text;
using System.Text.Json;
using QuantaProxy.Gateway.Okta.Catalog;

namespace QuantaProxy.Gateway.Tests.Okta.Catalog;

public sealed class OktaOperationCatalogTests
{
    private static readonly string[] Required =
    [
        "list_users", "get_user", "create_user", "update_user", "deactivate_user", "activate_user", "suspend_user", "unsuspend_user",
        "clear_user_sessions", "list_user_groups", "list_user_factors", "list_groups", "get_group", "list_group_members",
        "add_user_to_group", "remove_user_from_group", "list_applications", "get_application", "list_application_users", "get_system_log",
        // Governance reads.
        "list_user_roles", "get_user_role", "list_group_roles", "get_group_role", "list_client_roles", "get_client_role", "list_custom_roles",
        "get_custom_role", "list_resource_sets", "get_resource_set", "list_policies", "get_policy", "list_policy_rules", "list_app_grants",
        "list_user_grants", "list_event_hooks", "get_event_hook", "list_authorization_servers", "get_authorization_server",
        "list_authorization_server_policies", "list_trusted_origins", "get_trusted_origin", "list_group_rules", "get_group_rule",
        "list_network_zones", "get_network_zone", "list_identity_providers", "get_identity_provider", "list_authenticators", "get_authenticator",
    ];

    private static OktaOperation Op(string name)
    {
        Assert.That(OktaOperationCatalog.Default.TryGet(name, out var op), Is.True, name);
        return op;
    }

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Test]
    public void Catalog_lists_exactly_the_documented_operations()
    {
        Assert.That(OktaOperationCatalog.Default.All.Select(o => o.Name), Is.EquivalentTo(Required));
        Assert.That(OktaOperationCatalog.Default.TryGet("delete_user", out _), Is.False);
        foreach (var op in OktaOperationCatalog.Default.All)
            Assert.That(op.RequiredScopes, Is.Not.Empty, op.Name);
    }

    [Test]
    public void Create_user_is_neither_idempotent_nor_retried_and_reads_are()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Op("create_user").Idempotent, Is.False);
            Assert.That(Op("create_user").Mutating, Is.True);
            Assert.That(Op("list_users").Idempotent, Is.True);
            Assert.That(Op("list_users").Paginated, Is.True);
            Assert.That(Op("get_system_log").RequiredScopes, Is.EqualTo(new[] { "okta.logs.read" }));
        });
    }

    [Test]
    public void List_users_builds_an_encoded_query()
    {
        var request = Op("list_users").Validate(Json("""{"filter":"status eq \"ACTIVE\"","limit":200,"after":"00u1"}"""));
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo(HttpMethod.Get));
            Assert.That(request.PathAndQuery, Is.EqualTo("/api/v1/users?filter=status%20eq%20%22ACTIVE%22&limit=200&after=00u1"));
            Assert.That(request.JsonBody, Is.Null);
        });
    }

    [Test]
    public void Governance_reads_are_idempotent_reads_with_Oktas_scopes_and_paging()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Op("list_user_roles").RequiredScopes, Is.EqualTo(new[] { "okta.roles.read" }));
            Assert.That(Op("list_app_grants").RequiredScopes, Is.EqualTo(new[] { "okta.appGrants.read" }));
            Assert.That(Op("list_group_rules").RequiredScopes, Is.EqualTo(new[] { "okta.groups.read" }));
            Assert.That(Op("list_policies").Paginated, Is.True);
            Assert.That(Op("list_custom_roles").Paginated, Is.False, "IAM listings page in their body, not with Link");
            Assert.That(Op("list_authenticators").Paginated, Is.False);
        });
        foreach (var name in new[] { "list_policies", "get_client_role", "list_network_zones", "get_identity_provider", "list_authorization_server_policies" })
        {
            Assert.That(Op(name).Risk, Is.EqualTo(OktaRiskClass.Read), name);
            Assert.That(Op(name).Idempotent && !Op(name).Mutating, Is.True, name);
        }
    }

    [Test]
    public void Policy_listing_requires_a_type_from_Oktas_enum()
    {
        var policies = Op("list_policies");
        Assert.That(() => policies.Validate(Json("{}")), Throws.TypeOf<PayloadValidationException>().With.Property("Field").EqualTo("payload.type"));
        Assert.That(() => policies.Validate(Json("""{"type":"password"}""")), Throws.TypeOf<PayloadValidationException>().With.Message.Contains("one of"));
        Assert.That(() => policies.Validate(Json("""{"type":"PASSWORD","status":"DELETED"}""")), Throws.TypeOf<PayloadValidationException>().With.Property("Field").EqualTo("payload.status"));
        var request = policies.Validate(Json("""{"type":"PASSWORD","status":"ACTIVE","limit":50}"""));
        Assert.That(request.PathAndQuery, Is.EqualTo("/api/v1/policies?type=PASSWORD&status=ACTIVE&limit=50"));
        Assert.That(Op("get_client_role").Validate(Json("""{"client_id":"0oa1","role_assignment_id":"ra1x"}""")).PathAndQuery,
            Is.EqualTo("/oauth2/v1/clients/0oa1/roles/ra1x"));
    }

    [Test]
    public void Absent_payload_means_empty_object()
    {
        Assert.That(Op("list_groups").Validate(default).PathAndQuery, Is.EqualTo("/api/v1/groups"));
    }

    [Test]
    public void Path_parameters_are_substituted_and_encoded()
    {
        var request = Op("add_user_to_group").Validate(Json("""{"group_id":"00g1","user_id":"a+b@example.com"}"""));
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo(HttpMethod.Put));
            Assert.That(request.PathAndQuery, Is.EqualTo("/api/v1/groups/00g1/users/a%2Bb%40example.com"));
        });
    }

    [Test]
    public void Create_user_maps_snake_case_profile_and_password()
    {
        var request = Op("create_user").Validate(Json(
            """{"activate":false,"profile":{"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com","login":"ada@example.com","mobile_phone":"+1 555"},"password":"S3cret!pass"}"""));
        Assert.That(request.PathAndQuery, Is.EqualTo("/api/v1/users?activate=false"));
        using var body = JsonDocument.Parse(request.JsonBody!);
        var profile = body.RootElement.GetProperty("profile");
        Assert.Multiple(() =>
        {
            Assert.That(profile.GetProperty("firstName").GetString(), Is.EqualTo("Ada"));
            Assert.That(profile.GetProperty("lastName").GetString(), Is.EqualTo("Lovelace"));
            Assert.That(profile.GetProperty("mobilePhone").GetString(), Is.EqualTo("+1 555"));
            Assert.That(body.RootElement.GetProperty("credentials").GetProperty("password").GetProperty("value").GetString(), Is.EqualTo("S3cret!pass"));
        });
    }

    [Test]
    public void System_log_accepts_rfc3339_and_sort_order()
    {
        var request = Op("get_system_log").Validate(Json("""{"since":"2025-01-31T12:00:00.000Z","sort_order":"DESCENDING","limit":1000}"""));
        Assert.That(request.PathAndQuery, Is.EqualTo("/api/v1/logs?since=2025-01-31T12%3A00%3A00.000Z&limit=1000&sortOrder=DESCENDING"));
    }

    [TestCase("list_users", """{"limit":201}""", "payload.limit")]
    [TestCase("list_users", """{"limit":0}""", "payload.limit")]
    [TestCase("list_users", """{"limit":"10"}""", "payload.limit")]
    [TestCase("list_users", """{"limit":1.5}""", "payload.limit")]
    [TestCase("list_groups", """{"limit":10001}""", "payload.limit")]
    [TestCase("get_system_log", """{"limit":1001}""", "payload.limit")]
    [TestCase("list_users", """{"nope":1}""", "payload")]
    [TestCase("list_users", """[1]""", "payload")]
    [TestCase("list_users", """{"limit":5,"limit":6}""", "payload.limit")]
    [TestCase("get_user", """{}""", "payload.user_id")]
    [TestCase("get_user", """{"user_id":"../admin"}""", "payload.user_id")]
    [TestCase("get_user", """{"user_id":"a/b"}""", "payload.user_id")]
    [TestCase("get_user", """{"user_id":"a..b"}""", "payload.user_id")]
    [TestCase("get_user", """{"user_id":"a\u0000b"}""", "payload.user_id")]
    [TestCase("get_user", """{"user_id":""}""", "payload.user_id")]
    [TestCase("get_user", """{"user_id":5}""", "payload.user_id")]
    [TestCase("get_system_log", """{"since":"yesterday"}""", "payload.since")]
    [TestCase("get_system_log", """{"sort_order":"UP"}""", "payload.sort_order")]
    [TestCase("deactivate_user", """{"user_id":"00u1","send_email":"yes"}""", "payload.send_email")]
    [TestCase("create_user", """{"profile":{"first_name":"A","last_name":"B","email":"a@b.c"}}""", "payload.profile.login")]
    [TestCase("create_user", """{"profile":{"first_name":"A","last_name":"B","email":"not-an-email","login":"a@b.c"}}""", "payload.profile.email")]
    [TestCase("create_user", """{"profile":{"first_name":"A","last_name":"B","email":"a@b.c","login":"a@b.c","admin":true}}""", "payload.profile")]
    [TestCase("create_user", """{"activate":"true","profile":{"first_name":"A","last_name":"B","email":"a@b.c","login":"a@b.c"}}""", "payload.activate")]
    [TestCase("update_user", """{"user_id":"00u1","profile":{}}""", "payload.profile")]
    [TestCase("update_user", """{"user_id":"00u1","password":"x","profile":{"first_name":"A"}}""", "payload")]
    public void Bad_payloads_are_refused_naming_the_field(string operation, string payload, string field)
    {
        var e = Assert.Throws<PayloadValidationException>(() => Op(operation).Validate(Json(payload)))!;
        Assert.That(e.Field, Is.EqualTo(field));
    }

    [Test]
    public void Overlong_ids_and_filters_are_refused_without_echoing_them()
    {
        var longId = new string('a', 101);
        var e = Assert.Throws<PayloadValidationException>(() => Op("get_user").Validate(Json($$"""{"user_id":"{{longId}}"}""")))!;
        Assert.That(e.Message, Does.Not.Contain(longId));
        var filter = "marker-" + new string('x', 1025);
        var f = Assert.Throws<PayloadValidationException>(() => Op("list_users").Validate(Json(JsonSerializer.Serialize(new { filter }))))!;
        Assert.Multiple(() =>
        {
            Assert.That(f.Field, Is.EqualTo("payload.filter"));
            Assert.That(f.Message, Does.Not.Contain("marker-"));
        });
        var password = Assert.Throws<PayloadValidationException>(() => Op("create_user").Validate(Json(
            """{"password":"Hunter2-secret","profile":{"first_name":"A","last_name":"B","email":"a@b.c","login":"a@b.c","x":1}}""")))!;
        Assert.That(password.Message + password.Field, Does.Not.Contain("Hunter2"));
        Assert.That(Encoding.UTF8.GetByteCount(e.Message), Is.LessThan(200));
    }
}
