using System.Text.Json;
using QuantaProxy.Gateway.Storage;
using QuantaProxy.Gateway.Http;

namespace QuantaProxy.Gateway.WebConsole.SignIn;

/// <summary>The console roles; what each may do is the API scopes it carries (<see cref="ConsoleRoles.Scopes"/>).</summary>
public static class ConsoleRoles
{
    public const string TenantAdmin = "tenant_admin";
    public const string Approver = "approver";
    public const string Auditor = "auditor";

    /// <summary>Strongest first: a person in several mapped groups gets the strongest role.</summary>
    public static readonly string[] All = [TenantAdmin, Approver, Auditor];

    /// <summary>The API scopes a role acts with, checked by the very same endpoint code as an API key's.</summary>
    public static IReadOnlyList<string> Scopes(string role) => role switch
    {
        TenantAdmin => [ApiKeys.ApiScopes.Admin],
        // An approver decides on held calls (as a person: see Policies.ApprovalApprovers) and reads the audit that records them.
        Approver => [ApiKeys.ApiScopes.ApprovalsDecide, ApiKeys.ApiScopes.AuditRead],
        Auditor => [ApiKeys.ApiScopes.AuditRead],
        _ => [],
    };

    public static string Label(string role) => role switch
    {
        TenantAdmin => "Tenant admin",
        Approver => "Approver",
        Auditor => "Auditor (read-only)",
        _ => role,
    };
}

/// <summary>A tenant's console sign-in: its Okta issuer (an authorization server), the console's OIDC client id, and which Okta groups hold which role.</summary>
public sealed record ConsoleSettings(string TenantId, string Issuer, string ClientId, IReadOnlyDictionary<string, IReadOnlyList<string>> RoleGroups, string UpdatedAt)
{
    /// <summary>The strongest role any of <paramref name="groups"/> maps to; null when none does.</summary>
    public string? RoleFor(IEnumerable<string> groups)
    {
        var set = groups.ToHashSet(StringComparer.Ordinal);
        foreach (var role in ConsoleRoles.All)
            if (RoleGroups.TryGetValue(role, out var mapped) && mapped.Any(set.Contains)) return role;
        return null;
    }
}

public sealed class ConsoleSettingsStore(Database database)
{
    public async Task<ConsoleSettings?> FindAsync(string tenantId, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var cmd = connection.Sql("SELECT tenant_id, issuer, client_id, role_groups, updated_at FROM console_settings WHERE tenant_id = @t").With("t", tenantId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        var groups = JsonSerializer.Deserialize<Dictionary<string, List<string>>>(reader.GetString(3), GatewayJson.Options) ?? [];
        return new ConsoleSettings(reader.GetString(0), reader.GetString(1), reader.GetString(2),
            groups.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal), reader.GetString(4));
    }

    public async Task UpsertAsync(ConsoleSettings settings, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);
        await using (var delete = connection.Sql("DELETE FROM console_settings WHERE tenant_id = @t", tx).With("t", settings.TenantId))
            await delete.ExecuteNonQueryAsync(ct);
        await using (var insert = connection.Sql("INSERT INTO console_settings (tenant_id, issuer, client_id, role_groups, updated_at) VALUES (@t, @i, @c, @g, @u)", tx)
                   .With("t", settings.TenantId).With("i", settings.Issuer).With("c", settings.ClientId)
                   .With("g", JsonSerializer.Serialize(settings.RoleGroups, GatewayJson.Options)).With("u", settings.UpdatedAt))
            await insert.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
    }
}
