using System.Text.Json;
using QuantaProxy.Gateway.Catalog;
using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Gateway.FunctionalTests.Infrastructure;

namespace QuantaProxy.Gateway.FunctionalTests.Okta.Catalog;

/// <summary>The catalog is published (API and docs), with named traits, a risk class and typed arguments.</summary>
public sealed class CatalogPublicationTests
{
    private static OktaOperation Op(string name) => OktaOperationCatalog.Default.All.Single(o => o.Name == name);

    [Test]
    public void The_committed_docs_table_is_the_generated_one()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "QuantaProxy.sln"))) root = Path.GetDirectoryName(root)!;
        var committed = File.ReadAllText(Path.Combine(root, "docs", "catalog.md"));
        Assert.That(committed, Is.EqualTo(CatalogView.Markdown(OktaOperationCatalog.Default)),
            "docs/catalog.md is out of date: run `dotnet run --project src/QuantaProxy.Cli -- catalog --markdown > docs/catalog.md`");
    }

    [TestCase("list_users", OktaRiskClass.Read)]
    [TestCase("update_user", OktaRiskClass.Write)]
    [TestCase("create_user", OktaRiskClass.Write)]
    [TestCase("deactivate_user", OktaRiskClass.Destructive)]
    [TestCase("suspend_user", OktaRiskClass.Destructive)]
    [TestCase("clear_user_sessions", OktaRiskClass.Destructive)]
    [TestCase("remove_user_from_group", OktaRiskClass.Destructive)]
    [TestCase("add_user_to_group", OktaRiskClass.Write)]
    public void Risk_classes_follow_what_the_operation_takes_away(string name, OktaRiskClass risk) => Assert.That(Op(name).Risk, Is.EqualTo(risk));

    [Test]
    public void Every_destructive_operation_is_mutating_and_every_read_is_idempotent()
    {
        foreach (var o in OktaOperationCatalog.Default.All)
        {
            if (o.Destructive) Assert.That(o.Mutating, Is.True, o.Name);
            if (!o.Mutating) Assert.That(o.Idempotent, Is.True, o.Name);
        }
        Assert.Throws<ArgumentException>(() => _ = new OktaOperation("bad", HttpMethod.Post, "/api/v1/x", [], OktaOperationTraits.Destructive));
    }

    [Test]
    public void Validation_yields_named_typed_arguments_without_secrets()
    {
        var update = Op("update_user").Validate(JsonDocument.Parse("""{"user_id": "00u1", "profile": {"email": "a@example.com", "first_name": "Ada"}}""").RootElement);
        Assert.That(update.Arguments.Select(a => (a.Name, a.Location)), Is.EqualTo(new[] { ("user_id", OktaArgumentLocation.Path), ("profile", OktaArgumentLocation.Body) }));
        var profile = (IReadOnlyDictionary<string, object>)update.Arguments.Single(a => a.Name == "profile").Value;
        Assert.That(profile["email"], Is.EqualTo("a@example.com"));

        var list = Op("list_users").Validate(JsonDocument.Parse("""{"limit": 5, "filter": "status eq \"ACTIVE\""}""").RootElement);
        Assert.That(list.Arguments.Single(a => a.Name == "limit").Value, Is.EqualTo(5L));
        Assert.That(list.Arguments.Single(a => a.Name == "filter").Value, Is.EqualTo("status eq \"ACTIVE\""));

        var create = Op("create_user").Validate(JsonDocument.Parse("""{"activate": true, "password": "s3cret-Value!", "profile": {"first_name": "A", "last_name": "B", "email": "a@example.com", "login": "a@example.com"}}""").RootElement);
        Assert.That(create.Arguments.Single(a => a.Name == "activate").Value, Is.EqualTo(true));
        Assert.That(create.Arguments.Select(a => a.Name), Does.Not.Contain("password"));
        Assert.That(JsonSerializer.Serialize(create.Arguments), Does.Not.Contain("s3cret"));
    }

    [Test]
    public async Task The_catalog_endpoint_serves_every_operation_to_any_caller_and_nobody_else()
    {
        await using var host = await GatewayHost.StartAsync();
        var tenant = await TenantSession.CreateAsync(host, "catalog", ["audit:read"]);
        var catalog = await host.OkAsync(HttpMethod.Get, "/api/v2/catalog", tenant.ApiKey);
        var operations = catalog["operations"]!.AsArray();
        Assert.That(operations.Select(o => o!["name"]!.GetValue<string>()), Is.EquivalentTo(OktaOperationCatalog.Default.All.Select(o => o.Name)));
        var deactivate = operations.Single(o => o!["name"]!.GetValue<string>() == "deactivate_user")!;
        Assert.That(deactivate["risk_class"]!.GetValue<string>(), Is.EqualTo("destructive"));
        Assert.That(deactivate["required_scopes"]![0]!.GetValue<string>(), Is.EqualTo("okta.users.manage"));
        var (anonymous, _) = await host.SendAsync(HttpMethod.Get, "/api/v2/catalog", null);
        Assert.That((int)anonymous.StatusCode, Is.EqualTo(401));
    }
}
