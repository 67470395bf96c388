using QuantaProxy.Policy.Expressions;
using QuantaProxy.Policy.Parsing;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Schema;

/// <summary>
/// A simple schema check, not Cedar's validator: it refuses references to unknown entity types, unknown actions,
/// and attributes (in <c>.a</c>, <c>["a"]</c> and <c>has a</c>) that the statically known type of the expression does
/// not declare. Types are followed through variables, attribute chains and entity literals; where the type is not
/// known statically (e.g. the result of <c>if</c>), nothing is checked. It does not type-check operators.
/// </summary>
public static class SchemaChecker
{
    public static IReadOnlyList<SchemaViolation> Check(PolicySet policies, PolicySchema schema)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(schema);
        var violations = new List<SchemaViolation>();
        foreach (var policy in policies.Policies)
        {
            new PolicyWalk(policy, schema, violations).Run();
        }
        return violations;
    }

    private sealed class PolicyWalk(Policy policy, PolicySchema schema, List<SchemaViolation> violations)
    {
        private void Report(SourceLocation at, string message) => violations.Add(new SchemaViolation(policy.Id, at, message));

        public void Run()
        {
            var principalTypes = ScopeTypes(policy.Principal, "principal", schema.AllPrincipalTypes);
            var resourceTypes = ScopeTypes(policy.Resource, "resource", schema.AllResourceTypes);
            if (policy.Action.Actions is { } actions)
            {
                foreach (var a in actions)
                {
                    CheckEntity(a, policy.Action.Location);
                }
            }
            foreach (var c in policy.Conditions)
            {
                Infer(c.Body, principalTypes, resourceTypes);
            }
        }

        private IReadOnlyList<string> ScopeTypes(ScopeConstraint scope, string variable, IReadOnlyList<string> all)
        {
            if (scope.EntityType is { } t)
            {
                if (!schema.EntityTypes.ContainsKey(t))
                {
                    Report(scope.Location, $"unknown entity type `{t}` for {variable}");
                }
                if (scope.Entity is { } e)
                {
                    CheckEntity(e, scope.Location);
                }
                return [t];
            }
            if (scope.Entity is { } entity)
            {
                CheckEntity(entity, scope.Location);
                return scope.IsIn ? all : [entity.Type];
            }
            return all;
        }

        private void CheckEntity(EntityUid uid, SourceLocation at)
        {
            if (uid.Type == schema.ActionType)
            {
                if (!schema.Actions.ContainsKey(uid.Id))
                {
                    Report(at, $"unknown action `{uid}`");
                }
            }
            else if (!schema.EntityTypes.ContainsKey(uid.Type))
            {
                Report(at, $"unknown entity type `{uid.Type}` in `{uid}`");
            }
        }

        private void CheckValue(Value v, SourceLocation at)
        {
            switch (v)
            {
                case EntityUid uid:
                    CheckEntity(uid, at);
                    break;
                case SetValue s:
                    foreach (var item in s.Items)
                    {
                        CheckValue(item, at);
                    }
                    break;
                case RecordValue r:
                    foreach (var item in r.Attributes.Values)
                    {
                        CheckValue(item, at);
                    }
                    break;
            }
        }

        /// <summary>Checks the expression and returns its type when it is statically known.</summary>
        private SchemaType? Infer(Expr expr, IReadOnlyList<string> principalTypes, IReadOnlyList<string> resourceTypes)
        {
            switch (expr)
            {
                case LiteralExpr lit:
                    CheckValue(lit.Value, lit.Location);
                    return lit.Value switch
                    {
                        EntityUid uid => SchemaType.Entity(uid.Type),
                        LongValue => SchemaType.Long,
                        StringValue => SchemaType.String,
                        BoolValue => SchemaType.Boolean,
                        _ => null,
                    };
                case VariableExpr v:
                    return v.Variable switch
                    {
                        Variable.Principal => SchemaType.Entity([.. principalTypes]),
                        Variable.Resource => SchemaType.Entity([.. resourceTypes]),
                        Variable.Action => SchemaType.Entity(schema.ActionType),
                        _ => schema.Context,
                    };
                case GetAttrExpr get:
                    return Attribute(Infer(get.Operand, principalTypes, resourceTypes), get.Attribute, get.Location);
                case HasAttrExpr has:
                    Attribute(Infer(has.Operand, principalTypes, resourceTypes), has.Attribute, has.Location);
                    return SchemaType.Boolean;
                case IsExpr isExpr:
                    Infer(isExpr.Operand, principalTypes, resourceTypes);
                    if (!schema.EntityTypes.ContainsKey(isExpr.EntityType) && isExpr.EntityType != schema.ActionType)
                    {
                        Report(isExpr.Location, $"unknown entity type `{isExpr.EntityType}`");
                    }
                    if (isExpr.InTarget is { } target)
                    {
                        Infer(target, principalTypes, resourceTypes);
                    }
                    return SchemaType.Boolean;
                default:
                    foreach (var child in expr.Children)
                    {
                        Infer(child, principalTypes, resourceTypes);
                    }
                    return null;
            }
        }

        private SchemaType? Attribute(SchemaType? on, string name, SourceLocation at)
        {
            if (on is null)
            {
                return null;
            }
            if (on.Kind == SchemaTypeKind.Record)
            {
                if (on.Attributes!.TryGetValue(name, out var attr))
                {
                    return attr.Type;
                }
                Report(at, $"unknown attribute `{name}`; the record has {Describe(on.Attributes.Keys)}");
                return null;
            }
            if (on.Kind == SchemaTypeKind.Entity)
            {
                SchemaType? found = null;
                var anyKnown = false;
                foreach (var type in on.EntityTypes!)
                {
                    if (!schema.EntityTypes.TryGetValue(type, out var et))
                    {
                        continue;
                    }
                    anyKnown = true;
                    if (et.Attributes.TryGetValue(name, out var attr))
                    {
                        found ??= attr.Type;
                    }
                }
                if (anyKnown && found is null)
                {
                    Report(at, $"unknown attribute `{name}` on {string.Join(" or ", on.EntityTypes)}");
                }
                return found;
            }
            return null;
        }

        private static string Describe(IEnumerable<string> keys)
        {
            var list = keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            return list.Count == 0 ? "no attributes" : "attributes " + string.Join(", ", list);
        }
    }
}
