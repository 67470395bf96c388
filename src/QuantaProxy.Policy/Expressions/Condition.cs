namespace QuantaProxy.Policy.Expressions;

/// <summary>A <c>when { … }</c> (IsWhen) or <c>unless { … }</c> clause.</summary>
internal sealed record Condition(bool IsWhen, Expr Body);
