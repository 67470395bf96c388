using QuantaProxy.Gateway.Okta.Catalog;
using QuantaProxy.Policy.Schema;

namespace QuantaProxy.Gateway.Policies;

/// <summary>
/// The product schema (<see cref="QuantaProxySchema"/>) over the gateway's whole catalog: one action per operation, in the
/// group of its risk class (a destructive operation is also a write), and <c>context.args</c> with every argument an
/// operation can bind, typed as the binding stage types it.
/// </summary>
public static class GatewayPolicySchema
{
    private static readonly Lazy<PolicySchema> Lazy = new(() => Create(OktaOperationCatalog.Default));

    public static PolicySchema Default => Lazy.Value;

    /// <summary>The action groups an operation belongs to.</summary>
    public static string[] GroupsOf(OktaOperation operation) => operation.Risk switch
    {
        OktaRiskClass.Destructive => ["write", "destructive"],
        OktaRiskClass.Write => ["write"],
        _ => ["read"],
    };

    public static PolicySchema Create(OktaOperationCatalog catalog)
    {
        var operations = catalog.All.ToDictionary(o => o.Name, GroupsOf, StringComparer.Ordinal);
        var args = new Dictionary<string, AttributeSchema>(StringComparer.Ordinal);
        foreach (var operation in catalog.All)
        {
            foreach (var field in operation.PathFields) args.TryAdd(field, new AttributeSchema(SchemaType.String, Required: false));
            foreach (var parameter in operation.QueryParameters)
            {
                var type = parameter.Kind switch
                {
                    OktaParameterKind.WholeNumber => SchemaType.Long,
                    OktaParameterKind.Flag => SchemaType.Boolean,
                    _ => SchemaType.String,
                };
                args.TryAdd(parameter.Field, new AttributeSchema(type, Required: false));
            }
        }
        args.TryAdd("profile", new AttributeSchema(SchemaType.Record(
            OktaUserBody.ProfileMembers.ToDictionary(m => m.Field, _ => new AttributeSchema(SchemaType.String, Required: false), StringComparer.Ordinal)), Required: false));
        return QuantaProxySchema.Create(operations, args);
    }
}
