using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace QuantaProxy.OktaSandbox.Query;

/// <summary>
/// Parses Okta's filter language: <c>attr op "value"</c>, <c>attr pr</c>, <c>and</c> (binding tighter than <c>or</c>, as in SCIM),
/// parentheses, and <c>not (…)</c> where the dialect allows it. Bounded for hostile input: a length limit, a nesting limit and
/// a limit on comparisons, a single left-to-right pass with no backtracking and no regular expressions.
/// </summary>
internal sealed class FilterParser
{
    /// <summary>Longest expression accepted; Okta refuses "overly complex or long" searches.</summary>
    public const int MaxLength = 2048;

    public const int MaxDepth = 16;
    public const int MaxComparisons = 64;

    private readonly List<Token> _tokens;
    private readonly FilterDialect _dialect;
    private int _at;
    private int _comparisons;

    private FilterParser(List<Token> tokens, FilterDialect dialect)
    {
        _tokens = tokens;
        _dialect = dialect;
    }

    /// <summary>The expression, or null with the reason it is not one this dialect accepts.</summary>
    public static FilterExpression? Parse(string text, FilterDialect dialect, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        problem = null;
        if (text.Length > MaxLength)
        {
            problem = $"the expression is longer than {MaxLength} characters";
            return null;
        }
        var tokens = Tokenize(text, out problem);
        if (tokens is null) return null;
        var parser = new FilterParser(tokens, dialect);
        try
        {
            var expression = parser.Or(0);
            if (parser._at < tokens.Count) throw new FilterSyntaxException($"unexpected '{tokens[parser._at].Text}'");
            return expression;
        }
        catch (FilterSyntaxException e)
        {
            problem = e.Message;
            return null;
        }
    }

    private FilterExpression Or(int depth)
    {
        var left = And(depth);
        while (IsKeyword("or"))
        {
            _at++;
            left = new OrExpression(left, And(depth));
        }
        return left;
    }

    private FilterExpression And(int depth)
    {
        var left = Factor(depth);
        while (IsKeyword("and"))
        {
            _at++;
            left = new AndExpression(left, Factor(depth));
        }
        return left;
    }

    private FilterExpression Factor(int depth)
    {
        if (depth >= MaxDepth) throw new FilterSyntaxException("the expression is nested too deeply");
        if (IsKeyword("not"))
        {
            if (!_dialect.AllowsNot) throw new FilterSyntaxException("'not' is not supported here");
            _at++;
            if (Peek()?.Kind != TokenKind.Open) throw new FilterSyntaxException("'not' must be followed by '('");
            return new NotExpression(Group(depth));
        }
        if (Peek()?.Kind == TokenKind.Open) return Group(depth);
        return Comparison();
    }

    private FilterExpression Group(int depth)
    {
        _at++;
        var inner = Or(depth + 1);
        if (Peek()?.Kind != TokenKind.Close) throw new FilterSyntaxException("a '(' is not closed");
        _at++;
        return inner;
    }

    private Comparison Comparison()
    {
        if (++_comparisons > MaxComparisons) throw new FilterSyntaxException($"more than {MaxComparisons} comparisons");
        var attribute = Next("an attribute");
        if (attribute.Kind != TokenKind.Word) throw new FilterSyntaxException($"expected an attribute, found '{attribute.Text}'");
        var rule = _dialect.Attribute(attribute.Text) ?? throw new FilterSyntaxException($"'{attribute.Text}' cannot be searched here");
        var opToken = Next("an operator");
        var op = opToken.Kind == TokenKind.Word ? Operator(opToken.Text) : null;
        if (op is null) throw new FilterSyntaxException($"'{opToken.Text}' is not an operator");
        if (!rule.Operators.Contains(op.Value)) throw new FilterSyntaxException($"'{opToken.Text}' is not supported on '{attribute.Text}'");
        var path = attribute.Text.Split('.');
        if (op == FilterOperator.Pr) return new Comparison(path, op.Value, null, null, _dialect.CaseSensitiveValues);

        var valueToken = Next("a value");
        JsonValue? value = valueToken.Kind switch
        {
            TokenKind.String => JsonValue.Create(valueToken.Text),
            TokenKind.Word when valueToken.Text == "true" => JsonValue.Create(true),
            TokenKind.Word when valueToken.Text == "false" => JsonValue.Create(false),
            TokenKind.Word when valueToken.Text == "null" => null,
            TokenKind.Word when decimal.TryParse(valueToken.Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => throw new FilterSyntaxException($"'{valueToken.Text}' is not a value"),
        };
        DateTimeOffset? instant = null;
        if (rule.IsDate && value is not null)
        {
            if (valueToken.Kind != TokenKind.String || !IsoTime.TryParse(valueToken.Text, out var parsed))
                throw new FilterSyntaxException($"'{attribute.Text}' takes an ISO 8601 date");
            instant = parsed;
        }
        if (value is null && op != FilterOperator.Eq) throw new FilterSyntaxException("null can only be compared with eq");
        return new Comparison(path, op.Value, value, instant, _dialect.CaseSensitiveValues);
    }

    private static FilterOperator? Operator(string word) => word.ToUpperInvariant() switch
    {
        "EQ" => FilterOperator.Eq,
        "NE" => FilterOperator.Ne,
        "SW" => FilterOperator.Sw,
        "EW" => FilterOperator.Ew,
        "CO" => FilterOperator.Co,
        "PR" => FilterOperator.Pr,
        "GT" => FilterOperator.Gt,
        "GE" => FilterOperator.Ge,
        "LT" => FilterOperator.Lt,
        "LE" => FilterOperator.Le,
        _ => null,
    };

    private bool IsKeyword(string keyword) => Peek() is { Kind: TokenKind.Word } t && string.Equals(t.Text, keyword, StringComparison.OrdinalIgnoreCase);

    private Token? Peek() => _at < _tokens.Count ? _tokens[_at] : null;

    private Token Next(string expected) => _at < _tokens.Count ? _tokens[_at++] : throw new FilterSyntaxException($"the expression ends where {expected} was expected");

    private static List<Token>? Tokenize(string text, out string? problem)
    {
        problem = null;
        var tokens = new List<Token>();
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (c is ' ' or '\t')
            {
                i++;
            }
            else if (c is '(' or ')')
            {
                tokens.Add(new Token(c == '(' ? TokenKind.Open : TokenKind.Close, c.ToString()));
                i++;
            }
            else if (c == '"')
            {
                var value = new StringBuilder();
                var closed = false;
                for (i++; i < text.Length; i++)
                {
                    if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\') value.Append(text[++i]);
                    else if (text[i] == '"') { closed = true; i++; break; }
                    else value.Append(text[i]);
                }
                if (!closed)
                {
                    problem = "a string is not closed";
                    return null;
                }
                tokens.Add(new Token(TokenKind.String, value.ToString()));
            }
            else if (IsWordCharacter(c))
            {
                var start = i;
                while (i < text.Length && IsWordCharacter(text[i])) i++;
                tokens.Add(new Token(TokenKind.Word, text[start..i]));
            }
            else
            {
                problem = $"unexpected character at position {i}";
                return null;
            }
        }
        if (tokens.Count == 0) problem = "the expression is empty";
        return tokens.Count == 0 ? null : tokens;
    }

    private static bool IsWordCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+' or ':';

    private enum TokenKind
    {
        Word,
        String,
        Open,
        Close,
    }

    private sealed record Token(TokenKind Kind, string Text);

    private sealed class FilterSyntaxException(string message) : Exception(message);
}
