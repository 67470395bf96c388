using QuantaProxy.Policy.Expressions;

namespace QuantaProxy.Policy;

/// <summary>
/// Which attributes a policy set's conditions may read, from the parsed conditions rather than the text (a name in a comment
/// or a string is not a read). Used to fetch a fact only when some policy can see it, so it errs towards "may read": any
/// <c>e.name</c>, <c>e["name"]</c> or <c>e has name</c> on any record counts, and so does <c>context</c> used whole (it holds
/// every attribute).
/// </summary>
public static class AttributeReads
{
    public static bool MayRead(PolicySet set, string attribute)
    {
        ArgumentNullException.ThrowIfNull(set);
        foreach (var policy in set.Policies)
            foreach (var condition in policy.Conditions)
                if (Reads(condition.Body, attribute, readOfContext: false)) return true;
        return false;
    }

    // Recursion is bounded: the parser caps every accepted condition's depth (PolicyLimits).
    private static bool Reads(Expr expr, string attribute, bool readOfContext)
    {
        switch (expr)
        {
            case GetAttrExpr get when get.Attribute == attribute:
            case HasAttrExpr has when has.Attribute == attribute:
                return true;
            case GetAttrExpr get:
                return Reads(get.Operand, attribute, readOfContext: true);
            case HasAttrExpr has:
                return Reads(has.Operand, attribute, readOfContext: true);
            case VariableExpr { Variable: Variable.Context }:
                return !readOfContext;
        }
        foreach (var child in expr.Children)
            if (Reads(child, attribute, readOfContext: false)) return true;
        return false;
    }
}
