using System.Text.Json.Nodes;
using QuantaProxy.Gateway.Errors;
using QuantaProxy.Gateway.Policies;
using QuantaProxy.Gateway.WebConsole.Policies;

namespace QuantaProxy.Gateway.Tests.Policies;

/// <summary>
/// A refused upload names the fault's position as the problem's <c>line</c> and <c>column</c>, and the console's Policies page
/// marks the line from those members (never by reading the prose of the detail).
/// </summary>
public sealed class PolicyTextFaultTests
{
    private static ApiException Refusal(string text) =>
        Assert.Throws<ApiException>(() => ActivePolicySet.Compile(text, 0, new PolicyOptions()))!;

    [Test]
    public void A_syntax_error_carries_its_line_and_column()
    {
        var refusal = Refusal("@id(\"a\")\npermit(principal, action, resource);\nforbid(principal action, resource);\n");
        Assert.That(refusal.Code, Is.EqualTo(PolicyProblemCodes.PolicySyntax));
        Assert.That(refusal.Position, Is.EqualTo((3, 18)));
    }

    [Test]
    public void A_schema_error_carries_its_line()
    {
        var refusal = Refusal("permit(principal, action, resource)\nwhen { context.args has departmnt };\n");
        Assert.That(refusal.Code, Is.EqualTo(PolicyProblemCodes.PolicySchema));
        Assert.That(refusal.Position?.Line, Is.EqualTo(2));
    }

    [Test]
    public void The_page_reads_the_members_and_shows_the_reason_once()
    {
        var fault = PolicyTextFault.From(JsonNode.Parse("""{"detail": "Line 3, column 18: unexpected token", "line": 3, "column": 18}"""));
        Assert.That(fault, Is.EqualTo(new PolicyTextFault(3, 18, "unexpected token")));
    }

    [TestCase(null)]
    [TestCase("""{"detail": "Line 3, column 18: a position only in the prose is not read"}""")]
    [TestCase("""{"detail": "x", "line": 0, "column": 1}""")]
    [TestCase("""{"detail": "x", "line": "3", "column": 1}""")]
    [TestCase("""{"detail": "x", "line": 99999999999, "column": 1}""")]
    [TestCase("""["not a problem"]""")]
    public void A_refusal_without_a_position_names_none(string? problem) =>
        Assert.That(PolicyTextFault.From(problem is null ? null : JsonNode.Parse(problem)), Is.Null);

    [Test]
    public void A_textarea_s_line_ends_become_the_parser_s()
    {
        Assert.That(PolicyTextFault.Normalize("a\r\nb\rc\n"), Is.EqualTo("a\nb\nc\n"));
        Assert.That(PolicyTextFault.Lines("a\nb"), Is.EqualTo(new[] { "a", "b" }));
    }
}
