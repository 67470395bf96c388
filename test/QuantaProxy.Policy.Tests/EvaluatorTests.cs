namespace QuantaProxy.Policy.Tests;

public class EvaluatorTests
{
    [TestCase("1 + 2 * 3 - -4", "11")]
    [TestCase("9223372036854775807 + 1", "error: integer overflow while attempting to add")]
    [TestCase("-9223372036854775808 - 1", "error: integer overflow while attempting to subtract")]
    [TestCase("4611686018427387904 * 2", "error: integer overflow while attempting to multiply")]
    [TestCase("--9223372036854775808", "error: integer overflow while attempting to negate")]
    [TestCase("-9223372036854775808", "-9223372036854775808")]
    [TestCase("context.calls_today + 0", "9223372036854775807")]
    [TestCase("1 + \"a\"", "error: type error: expected long, got string")]
    [TestCase("\"a\" < \"b\"", "error: type error: expected long, got string")]
    [TestCase("1 == \"1\"", "false")]
    [TestCase("[1, 2, 2] == [2, 1]", "true")]
    [TestCase("{a: 1, b: [true]} == {b: [true], a: 1}", "true")]
    [TestCase("QuantaProxy::Agent::\"alice\" == principal", "true")]
    [TestCase("Agent::\"alice\" == principal", "false")]
    [TestCase("1 != 2", "true")]
    public void Values_and_arithmetic(string expr, string expected) => Assert.That(Cedar.Eval(expr), Does.StartWith(expected));

    [TestCase("false && 1 + \"a\" == 0", "false")]
    [TestCase("true || principal.missing", "true")]
    [TestCase("true && 1", "error: type error: expected bool, got long")]
    [TestCase("1 && true", "error: type error: expected bool, got long")]
    [TestCase("false || \"x\"", "error: type error: expected bool, got string")]
    [TestCase("!1", "error: type error: expected bool, got long")]
    [TestCase("if 1 < 2 then \"yes\" else 1 + \"a\"", "\"yes\"")]
    [TestCase("if 1 then 2 else 3", "error: type error: expected bool")]
    [TestCase("context has human && context.human.login == \"x\"", "false")]
    [TestCase("context.human.login == \"x\"", "error: record does not have the attribute `human`")]
    public void Short_circuiting_and_type_errors(string expr, string expected) => Assert.That(Cedar.Eval(expr), Does.StartWith(expected));

    [TestCase("principal in QuantaProxy::AgentGroup::\"g2\"", "true")]
    [TestCase("principal in principal", "true")]
    [TestCase("principal in [QuantaProxy::AgentGroup::\"x\", QuantaProxy::AgentGroup::\"g1\"]", "true")]
    [TestCase("principal in [QuantaProxy::AgentGroup::\"g0\", 1]", "error: type error: expected entity, got long")]
    [TestCase("QuantaProxy::Agent::\"ghost\" in QuantaProxy::AgentGroup::\"g0\"", "false")]
    [TestCase("1 in principal", "error: type error: expected entity, got long")]
    [TestCase("action in QuantaProxy::Action::\"read\"", "true")]
    [TestCase("principal is QuantaProxy::Agent", "true")]
    [TestCase("principal is QuantaProxy::Agent in QuantaProxy::AgentGroup::\"g1\"", "true")]
    [TestCase("principal is QuantaProxy::ApiKey in 1", "false")]
    [TestCase("principal is QuantaProxy::Agent in 1", "error: type error")]
    [TestCase("1 is QuantaProxy::Agent", "error: type error: expected entity, got long")]
    public void Hierarchy(string expr, string expected) => Assert.That(Cedar.Eval(expr), Does.StartWith(expected));

    [TestCase("principal.name", "\"Alice\"")]
    [TestCase("principal[\"level\"]", "3")]
    [TestCase("principal.tenant", "error: `QuantaProxy::Agent::\"alice\"` does not have the attribute `tenant`")]
    [TestCase("QuantaProxy::Agent::\"ghost\".name", "error: entity `QuantaProxy::Agent::\"ghost\"` does not exist")]
    [TestCase("QuantaProxy::Agent::\"ghost\" has name", "false")]
    [TestCase("principal has name", "true")]
    [TestCase("context has args.limit", "true")]
    [TestCase("context has args.profile.department", "false")]
    [TestCase("context.args.limit has x", "error: type error: expected record or entity, got long")]
    [TestCase("{\"user id\": 1}[\"user id\"]", "1")]
    [TestCase("\"abc\".length", "error: type error: expected record or entity, got string")]
    public void Attributes(string expr, string expected) => Assert.That(Cedar.Eval(expr), Does.StartWith(expected));

    [TestCase("\"acme.okta.com\" like \"*.okta.com\"", "true")]
    [TestCase("\"acme.okta.com\" like \"*.oktapreview.com\"", "false")]
    [TestCase("\"a*b\" like \"a\\*b\"", "true")]
    [TestCase("\"axb\" like \"a\\*b\"", "false")]
    [TestCase("\"axb\" like \"a*b\"", "true")]
    [TestCase("\"\" like \"*\"", "true")]
    [TestCase("\"aaa\" like \"a*a*a\"", "true")]
    [TestCase("\"aa\" like \"a*a*a\"", "false")]
    [TestCase("\"ab\" like \"\\u{61}*\"", "true")]
    [TestCase("1 like \"*\"", "error: type error: expected string, got long")]
    public void Like(string expr, string expected) => Assert.That(Cedar.Eval(expr), Is.EqualTo(expected).Or.StartsWith(expected));

    [TestCase("context.groups.contains(\"Admins\")", "true")]
    [TestCase("context.groups.containsAll([\"Admins\", \"Everyone\"])", "true")]
    [TestCase("context.groups.containsAny([\"Nobody\"])", "false")]
    [TestCase("[].isEmpty()", "true")]
    [TestCase("context.groups.containsAll(\"Admins\")", "error: type error: expected set, got string")]
    [TestCase("\"Admins\".contains(\"A\")", "error: type error: expected set, got string")]
    [TestCase("[[1, 2]].contains([2, 1])", "true")]
    public void Sets(string expr, string expected) => Assert.That(Cedar.Eval(expr), Does.StartWith(expected));

    [TestCase("ip(\"10.1.2.3\").isInRange(ip(\"10.0.0.0/8\"))", "true")]
    [TestCase("ip(\"10.0.0.0/7\").isInRange(ip(\"10.0.0.0/8\"))", "false")]
    [TestCase("ip(\"::1\").isLoopback() && ip(\"127.0.0.1\").isLoopback() && !ip(\"127.0.0.1/7\").isLoopback()", "true")]
    [TestCase("ip(\"224.0.0.1\").isMulticast() && ip(\"ff02::1\").isMulticast() && ip(\"2001:db8::1\").isIpv6() && ip(\"1.2.3.4\").isIpv4()", "true")]
    [TestCase("ip(\"10.0.0.1/24\") == ip(\"10.0.0.0/24\")", "false")]
    [TestCase("ip(\"::1\").isInRange(ip(\"0.0.0.0/0\"))", "false")]
    [TestCase("ip(\"1.2.3.04\")", "error: error while evaluating `ipaddr`")]
    [TestCase("ip(\"::ffff:1.2.3.4\")", "error: error while evaluating `ipaddr`")]
    [TestCase("ip(\"1.2.3.4/33\")", "error: error while evaluating `ipaddr`")]
    [TestCase("ip(\"1.2.3.4\").isInRange()", "error: wrong number of arguments")]
    [TestCase("\"1.2.3.4\".isIpv4()", "error: type error: expected ipaddr, got string")]
    public void Ip_addresses(string expr, string expected) => Assert.That(Cedar.Eval(expr), Does.StartWith(expected));

    [TestCase("decimal(\"1.0\") == decimal(\"1.0000\")", "true")]
    [TestCase("decimal(\"-1.5\").lessThan(decimal(\"-1.4999\"))", "true")]
    [TestCase("decimal(\"922337203685477.5807\").greaterThanOrEqual(decimal(\"0.0\"))", "true")]
    [TestCase("decimal(\"922337203685477.5808\")", "error: error while evaluating `decimal` extension function: overflow")]
    [TestCase("decimal(\"1.23456\")", "error: error while evaluating `decimal` extension function: too many digits")]
    [TestCase("decimal(\"1\")", "error: error while evaluating `decimal` extension function: `1` is not a well-formed")]
    [TestCase("decimal(\"1.0\") < decimal(\"2.0\")", "error: type error: expected long, got decimal")]
    [TestCase("decimal(\"1.0\") == 1", "false")]
    public void Decimals(string expr, string expected) => Assert.That(Cedar.Eval(expr), Does.StartWith(expected));
}
