using System.Globalization;
using System.Runtime.CompilerServices;
using QuantaProxy.Policy.Expressions;
using QuantaProxy.Policy.Extensions;
using QuantaProxy.Policy.Values;

namespace QuantaProxy.Policy.Parsing;

/// <summary>
/// Recursive-descent parser for Cedar policy text (the grammar of the Cedar language reference, with the checks the
/// reference implementation makes when it turns its syntax tree into policies: non-associative relations, at most
/// four repeated unary operators, integer literal range, reserved identifiers, known functions and methods, action
/// types in the action scope). The first error stops parsing and is reported with its line and column.
/// </summary>
internal sealed class Parser
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "true", "false", "if", "then", "else", "in", "is", "has", "like",
    };

    private readonly List<Token> _tokens;
    private readonly PolicyLimits _limits;
    private int _pos;
    private int _depth;

    public Parser(string text, PolicyLimits limits)
    {
        _limits = limits;
        if (text.Length > limits.MaxTextLength)
        {
            throw new PolicyParseException($"policy text is {text.Length} characters, over the limit of {limits.MaxTextLength}", new SourceLocation(1, 1, 0));
        }
        _tokens = new Lexer(text).Tokenize();
    }

    private Token Peek => _tokens[_pos];

    private Token PeekAt(int ahead) => _tokens[Math.Min(_pos + ahead, _tokens.Count - 1)];

    private Token Advance() => _tokens[_pos++ < _tokens.Count - 1 ? _pos - 1 : _tokens.Count - 1];

    private bool AtKeyword(string word) => Peek.IsIdentifier(word);

    private static PolicyParseException Error(string message, Token at) => new(message, at.Location);

    private static PolicyParseException Unexpected(Token at, string expected) =>
        Error($"unexpected token {at.Describe()}; expected {expected}", at);

    private Token Expect(TokenKind kind, string expected)
    {
        if (Peek.Kind != kind)
        {
            throw Unexpected(Peek, expected);
        }
        return Advance();
    }

    private void ExpectKeyword(string word)
    {
        if (!AtKeyword(word))
        {
            throw Unexpected(Peek, $"`{word}`");
        }
        Advance();
    }

    public List<Policy> ParsePolicies()
    {
        var policies = new List<Policy>();
        while (Peek.Kind != TokenKind.End)
        {
            if (policies.Count >= _limits.MaxPolicies)
            {
                throw Error($"more than {_limits.MaxPolicies} policies", Peek);
            }
            policies.Add(ParsePolicy(policies.Count));
        }
        return policies;
    }

    private Policy ParsePolicy(int index)
    {
        var start = Peek;
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        while (Peek.Kind == TokenKind.At)
        {
            var at = Advance();
            var key = Expect(TokenKind.Identifier, "an annotation name").Text;
            var value = "";
            if (Peek.Kind == TokenKind.LeftParen)
            {
                Advance();
                var str = Expect(TokenKind.String, "a string literal");
                value = StringEscapes.Unescape(str.Text, str.Location);
                Expect(TokenKind.RightParen, "`)`");
            }
            if (!annotations.TryAdd(key, value))
            {
                throw Error($"duplicate annotation: @{key}", at);
            }
        }
        var effectToken = Expect(TokenKind.Identifier, "`permit` or `forbid`");
        var effect = effectToken.Text switch
        {
            "permit" => Effect.Permit,
            "forbid" => Effect.Forbid,
            _ => throw Error($"invalid policy effect `{effectToken.Text}`; expected `permit` or `forbid`", effectToken),
        };
        Expect(TokenKind.LeftParen, "`(`");
        var principal = ParsePrincipalOrResource("principal");
        Expect(TokenKind.Comma, "`,`");
        var action = ParseActionScope();
        Expect(TokenKind.Comma, "`,`");
        var resource = ParsePrincipalOrResource("resource");
        if (Peek.Kind == TokenKind.Comma)
        {
            Advance();
        }
        Expect(TokenKind.RightParen, "`)`");
        var conditions = new List<Condition>();
        while (Peek.Kind == TokenKind.Identifier)
        {
            var kw = Advance();
            var isWhen = kw.Text switch
            {
                "when" => true,
                "unless" => false,
                _ => throw Error($"invalid policy condition `{kw.Text}`; expected `when` or `unless`", kw),
            };
            Expect(TokenKind.LeftBrace, "`{`");
            if (Peek.Kind == TokenKind.RightBrace)
            {
                throw Error($"`{kw.Text}` condition is empty", kw);
            }
            var body = ParseExpr();
            Expect(TokenKind.RightBrace, "`}`");
            conditions.Add(new Condition(isWhen, body));
        }
        Expect(TokenKind.Semicolon, "`;`");
        var id = annotations.TryGetValue("id", out var annotatedId) ? annotatedId : "policy" + index.ToString(CultureInfo.InvariantCulture);
        return new Policy(id, effect, annotations, principal, action, resource, conditions, start.Location);
    }

    private ScopeConstraint ParsePrincipalOrResource(string variable)
    {
        var v = Expect(TokenKind.Identifier, $"`{variable}`");
        if (v.Text != variable)
        {
            throw Error($"expected `{variable}` in the policy scope, found `{v.Text}`", v);
        }
        string? entityType = null;
        if (AtKeyword("is"))
        {
            Advance();
            entityType = ParsePath("an entity type");
        }
        if (Peek.Kind == TokenKind.EqualEqual)
        {
            var op = Advance();
            if (entityType is not null)
            {
                throw Error("`is` cannot be used together with `==` in the scope", op);
            }
            return new ScopeConstraint(null, ParseScopeEntity(), false, v.Location);
        }
        if (AtKeyword("in"))
        {
            Advance();
            var entity = ParseScopeEntity();
            if (AtKeyword("is"))
            {
                throw Error("when `is` and `in` are used together, `is` must come first", Peek);
            }
            return new ScopeConstraint(entityType, entity, true, v.Location);
        }
        if (Peek.Kind == TokenKind.Equal)
        {
            throw Error("`=` is not an operator; did you mean `==`?", Peek);
        }
        if (Peek.Kind is TokenKind.NotEqual or TokenKind.Less or TokenKind.LessEqual or TokenKind.Greater or TokenKind.GreaterEqual)
        {
            throw Error($"{Peek.Describe()} is not allowed in the policy scope; use `==`, `in` or `is`", Peek);
        }
        return entityType is null ? ScopeConstraint.Any : new ScopeConstraint(entityType, null, false, v.Location);
    }

    private EntityUid ParseScopeEntity()
    {
        if (Peek.Kind == TokenKind.Slot)
        {
            throw Error("policy templates (slots such as ?principal) are not supported", Peek);
        }
        return ParseEntityUid();
    }

    private ActionScope ParseActionScope()
    {
        var v = Expect(TokenKind.Identifier, "`action`");
        if (v.Text != "action")
        {
            throw Error($"expected `action` in the policy scope, found `{v.Text}`", v);
        }
        if (AtKeyword("is"))
        {
            throw Error("`is` is not allowed on the action in the policy scope", Peek);
        }
        if (Peek.Kind == TokenKind.EqualEqual)
        {
            Advance();
            var at = Peek;
            var uid = ParseEntityUid();
            RequireActionType(uid, at);
            return new ActionScope([uid], false, v.Location);
        }
        if (AtKeyword("in"))
        {
            Advance();
            var actions = new List<EntityUid>();
            if (Peek.Kind == TokenKind.LeftBracket)
            {
                Advance();
                while (Peek.Kind != TokenKind.RightBracket)
                {
                    var at = Peek;
                    var uid = ParseEntityUid();
                    RequireActionType(uid, at);
                    actions.Add(uid);
                    if (Peek.Kind == TokenKind.Comma)
                    {
                        Advance();
                        continue;
                    }
                    if (Peek.Kind != TokenKind.RightBracket)
                    {
                        throw Unexpected(Peek, "`,` or `]`");
                    }
                }
                Advance();
            }
            else
            {
                var at = Peek;
                var uid = ParseEntityUid();
                RequireActionType(uid, at);
                actions.Add(uid);
            }
            return new ActionScope(actions, true, v.Location);
        }
        if (Peek.Kind == TokenKind.Equal)
        {
            throw Error("`=` is not an operator; did you mean `==`?", Peek);
        }
        return ActionScope.Any;
    }

    private static void RequireActionType(EntityUid uid, Token at)
    {
        var type = uid.Type;
        if (type != "Action" && !type.EndsWith("::Action", StringComparison.Ordinal))
        {
            throw Error($"expected an entity uid with type `Action` in the action scope, found `{uid}`", at);
        }
    }

    private string ReadIdentifier(string expected)
    {
        var t = Expect(TokenKind.Identifier, expected);
        if (Reserved.Contains(t.Text))
        {
            throw Error($"this identifier is reserved and cannot be used: {t.Text}", t);
        }
        if (t.Text == "__cedar")
        {
            throw Error("`__cedar` is reserved", t);
        }
        return t.Text;
    }

    /// <summary>Reads <c>A::B::C</c>, stopping before a <c>::</c> that is followed by a string (an entity id).</summary>
    private string ParsePath(string expected)
    {
        var path = ReadIdentifier(expected);
        while (Peek.Kind == TokenKind.DoubleColon && PeekAt(1).Kind == TokenKind.Identifier)
        {
            Advance();
            path += "::" + ReadIdentifier("an identifier");
        }
        return path;
    }

    private EntityUid ParseEntityUid()
    {
        var start = Peek;
        if (start.Kind != TokenKind.Identifier)
        {
            throw Unexpected(start, "an entity uid such as Type::\"id\"");
        }
        var type = ParsePath("an entity type");
        Expect(TokenKind.DoubleColon, "`::` and an entity id");
        var id = Expect(TokenKind.String, "a string literal entity id");
        return new EntityUid(type, StringEscapes.Unescape(id.Text, id.Location));
    }

    private T Check<T>(T node) where T : Expr
    {
        if (node.Depth > _limits.MaxNestingDepth)
        {
            throw new PolicyParseException($"expression nesting is deeper than the limit of {_limits.MaxNestingDepth}", node.Location);
        }
        return node;
    }

    private Expr ParseExpr()
    {
        _depth++;
        if (_depth > _limits.MaxNestingDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw Error($"expression nesting is deeper than the limit of {_limits.MaxNestingDepth}", Peek);
        }
        try
        {
            if (AtKeyword("if"))
            {
                var start = Advance();
                var c = ParseExpr();
                ExpectKeyword("then");
                var t = ParseExpr();
                ExpectKeyword("else");
                var e = ParseExpr();
                return Check(new IfExpr(c, t, e, start.Location));
            }
            return ParseOr();
        }
        finally
        {
            _depth--;
        }
    }

    private Expr ParseOr()
    {
        var start = Peek;
        var first = ParseAnd();
        if (Peek.Kind != TokenKind.OrOr)
        {
            return first;
        }
        var operands = new List<Expr> { first };
        while (Peek.Kind == TokenKind.OrOr)
        {
            Advance();
            operands.Add(ParseAnd());
        }
        return Check(new OrExpr([.. operands], start.Location));
    }

    private Expr ParseAnd()
    {
        var start = Peek;
        var first = ParseRelation();
        if (Peek.Kind != TokenKind.AndAnd)
        {
            return first;
        }
        var operands = new List<Expr> { first };
        while (Peek.Kind == TokenKind.AndAnd)
        {
            Advance();
            operands.Add(ParseRelation());
        }
        return Check(new AndExpr([.. operands], start.Location));
    }

    private bool AtRelationalOperator() =>
        Peek.Kind is TokenKind.EqualEqual or TokenKind.NotEqual or TokenKind.Less or TokenKind.LessEqual
            or TokenKind.Greater or TokenKind.GreaterEqual or TokenKind.Equal || AtKeyword("in");

    private Expr ParseRelation()
    {
        var start = Peek;
        var left = ParseAdd();
        if (AtRelationalOperator())
        {
            var op = Advance();
            if (op.Kind == TokenKind.Equal)
            {
                throw Error("`=` is not an operator; did you mean `==`?", op);
            }
            var right = ParseAdd();
            if (AtRelationalOperator())
            {
                throw Error("multiple relational operators (>, ==, in, etc.) must be used with parentheses to make ordering explicit", Peek);
            }
            Expr node = op.Kind switch
            {
                TokenKind.EqualEqual => new EqualsExpr(left, right, false, start.Location),
                TokenKind.NotEqual => new EqualsExpr(left, right, true, start.Location),
                TokenKind.Less => new CompareExpr(CompareOperator.Less, left, right, start.Location),
                TokenKind.LessEqual => new CompareExpr(CompareOperator.LessEqual, left, right, start.Location),
                TokenKind.Greater => new CompareExpr(CompareOperator.Greater, left, right, start.Location),
                TokenKind.GreaterEqual => new CompareExpr(CompareOperator.GreaterEqual, left, right, start.Location),
                _ => new InExpr(left, right, start.Location),
            };
            return Check(node);
        }
        if (AtKeyword("has"))
        {
            Advance();
            return ParseHas(left, start);
        }
        if (AtKeyword("like"))
        {
            Advance();
            var pattern = Expect(TokenKind.String, "a string literal pattern");
            return Check(new LikeExpr(left, new LikePattern(StringEscapes.ParsePattern(pattern.Text, pattern.Location)), start.Location));
        }
        if (AtKeyword("is"))
        {
            Advance();
            var type = ParsePath("an entity type");
            Expr? target = null;
            if (AtKeyword("in"))
            {
                Advance();
                target = ParseAdd();
            }
            return Check(new IsExpr(left, type, target, start.Location));
        }
        return left;
    }

    /// <summary><c>e has a.b.c</c> becomes <c>e has a &amp;&amp; e.a has b &amp;&amp; e.a.b has c</c>, as Cedar desugars it.</summary>
    private Expr ParseHas(Expr target, Token start)
    {
        var attributes = new List<string>();
        if (Peek.Kind == TokenKind.String)
        {
            var s = Advance();
            attributes.Add(StringEscapes.Unescape(s.Text, s.Location));
        }
        else
        {
            attributes.Add(ReadIdentifier("an attribute name"));
            while (Peek.Kind == TokenKind.Dot && PeekAt(1).Kind == TokenKind.Identifier)
            {
                Advance();
                attributes.Add(ReadIdentifier("an attribute name"));
            }
        }
        var checks = new List<Expr>();
        var current = target;
        for (var i = 0; i < attributes.Count; i++)
        {
            checks.Add(Check(new HasAttrExpr(current, attributes[i], start.Location)));
            if (i + 1 < attributes.Count)
            {
                current = Check(new GetAttrExpr(current, attributes[i], start.Location));
            }
        }
        return checks.Count == 1 ? checks[0] : Check(new AndExpr([.. checks], start.Location));
    }

    private Expr ParseAdd()
    {
        var start = Peek;
        var first = ParseMult();
        if (Peek.Kind is not (TokenKind.Plus or TokenKind.Minus))
        {
            return first;
        }
        var ops = new List<ArithmeticOperator>();
        var operands = new List<Expr>();
        while (Peek.Kind is TokenKind.Plus or TokenKind.Minus)
        {
            ops.Add(Advance().Kind == TokenKind.Plus ? ArithmeticOperator.Add : ArithmeticOperator.Subtract);
            operands.Add(ParseMult());
        }
        return Check(new ArithmeticExpr(first, [.. ops], [.. operands], start.Location));
    }

    private Expr ParseMult()
    {
        var start = Peek;
        var first = ParseUnary();
        if (Peek.Kind is TokenKind.Slash or TokenKind.Percent)
        {
            throw Error(Peek.Kind == TokenKind.Slash ? "division is not supported" : "remainder/modulo is not supported", Peek);
        }
        if (Peek.Kind != TokenKind.Star)
        {
            return first;
        }
        var ops = new List<ArithmeticOperator>();
        var operands = new List<Expr>();
        while (Peek.Kind == TokenKind.Star)
        {
            Advance();
            ops.Add(ArithmeticOperator.Multiply);
            operands.Add(ParseUnary());
            if (Peek.Kind is TokenKind.Slash or TokenKind.Percent)
            {
                throw Error(Peek.Kind == TokenKind.Slash ? "division is not supported" : "remainder/modulo is not supported", Peek);
            }
        }
        return Check(new ArithmeticExpr(first, [.. ops], [.. operands], start.Location));
    }

    private Expr ParseUnary()
    {
        var start = Peek;
        if (start.Kind is not (TokenKind.Bang or TokenKind.Minus))
        {
            return ParseMember();
        }
        var kind = start.Kind;
        var count = 0;
        while (Peek.Kind == kind)
        {
            Advance();
            count++;
        }
        if (count > 4)
        {
            throw Error($"too many occurrences of `{Lexer.Spelling(kind)}`", start);
        }
        Expr operand;
        var remaining = count;
        if (kind == TokenKind.Minus && Peek.Kind == TokenKind.Integer && PeekAt(1).Kind is not (TokenKind.Dot or TokenKind.LeftBracket or TokenKind.LeftParen))
        {
            // A minus directly before an integer literal is part of the literal, so -9223372036854775808 is valid.
            var digits = Advance();
            operand = new LiteralExpr(new LongValue(ParseNegativeInteger(digits)), digits.Location);
            remaining--;
        }
        else
        {
            operand = ParseMember();
        }
        for (var i = 0; i < remaining; i++)
        {
            operand = Check<Expr>(kind == TokenKind.Bang ? new NotExpr(operand, start.Location) : new NegateExpr(operand, start.Location));
        }
        return operand;
    }

    private static long ParseNegativeInteger(Token digits)
    {
        if (!ulong.TryParse(digits.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > (ulong)long.MaxValue + 1)
        {
            throw Error($"integer literal `{digits.Text}` is too large", digits);
        }
        return n == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)n;
    }

    private Expr ParseMember()
    {
        var start = Peek;
        var expr = ParsePrimary();
        while (true)
        {
            if (Peek.Kind == TokenKind.Dot)
            {
                Advance();
                var nameToken = Peek;
                var name = ReadIdentifier("an attribute or method name");
                if (Peek.Kind == TokenKind.LeftParen)
                {
                    var args = ParseArguments();
                    expr = Check(BuildMethod(expr, name, args, nameToken));
                }
                else
                {
                    expr = Check(new GetAttrExpr(expr, name, start.Location));
                }
            }
            else if (Peek.Kind == TokenKind.LeftBracket)
            {
                Advance();
                var s = Expect(TokenKind.String, "a string literal attribute name");
                Expect(TokenKind.RightBracket, "`]`");
                expr = Check(new GetAttrExpr(expr, StringEscapes.Unescape(s.Text, s.Location), start.Location));
            }
            else if (Peek.Kind == TokenKind.LeftParen)
            {
                throw Error("an expression cannot be called as a function", Peek);
            }
            else
            {
                return expr;
            }
        }
    }

    private static Expr BuildMethod(Expr receiver, string name, List<Expr> args, Token at)
    {
        switch (name)
        {
            case "contains":
            case "containsAll":
            case "containsAny":
                if (args.Count != 1)
                {
                    throw Error($"call to `{name}` requires exactly 1 argument, but got {args.Count} arguments", at);
                }
                var op = name == "contains" ? SetOperator.Contains : name == "containsAll" ? SetOperator.ContainsAll : SetOperator.ContainsAny;
                return new SetOperationExpr(op, receiver, args[0], at.Location);
            case "isEmpty":
                if (args.Count != 0)
                {
                    throw Error($"call to `isEmpty` requires exactly 0 arguments, but got {args.Count} arguments", at);
                }
                return new IsEmptyExpr(receiver, at.Location);
        }
        if (ExtensionNames.TryMethod(name, out var f))
        {
            return new ExtensionCallExpr(f, [receiver, .. args], at.Location);
        }
        if (ExtensionNames.UnsupportedMethods.Contains(name))
        {
            throw Error($"`{name}` is valid Cedar but not supported by this implementation (no datetime extension or entity tags)", at);
        }
        if (ExtensionNames.IsFunctionName(name))
        {
            throw Error($"`{name}` is a function, not a method", at);
        }
        throw Error($"`{name}` is not a valid method", at);
    }

    private List<Expr> ParseArguments()
    {
        Expect(TokenKind.LeftParen, "`(`");
        return ParseList(TokenKind.RightParen, "`)`");
    }

    /// <summary>Comma-separated expressions up to the closing token; a trailing comma is allowed, as in Cedar's grammar.</summary>
    private List<Expr> ParseList(TokenKind closing, string closingText)
    {
        var items = new List<Expr>();
        while (Peek.Kind != closing)
        {
            items.Add(ParseExpr());
            if (Peek.Kind == TokenKind.Comma)
            {
                Advance();
                continue;
            }
            if (Peek.Kind != closing)
            {
                throw Unexpected(Peek, $"`,` or {closingText}");
            }
        }
        Advance();
        return items;
    }

    private Expr ParsePrimary()
    {
        var t = Peek;
        switch (t.Kind)
        {
            case TokenKind.Integer:
                Advance();
                if (!long.TryParse(t.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    throw Error($"integer literal `{t.Text}` is too large", t);
                }
                return new LiteralExpr(new LongValue(n), t.Location);
            case TokenKind.String:
                Advance();
                return new LiteralExpr(new StringValue(StringEscapes.Unescape(t.Text, t.Location)), t.Location);
            case TokenKind.LeftParen:
                {
                    Advance();
                    var e = ParseExpr();
                    Expect(TokenKind.RightParen, "`)`");
                    return e;
                }
            case TokenKind.LeftBracket:
                {
                    Advance();
                    var items = ParseList(TokenKind.RightBracket, "`]`");
                    if (items.TrueForAll(i => i is LiteralExpr))
                    {
                        return new LiteralExpr(new SetValue(items.Select(i => ((LiteralExpr)i).Value)), t.Location);
                    }
                    return Check(new SetExpr([.. items], t.Location));
                }
            case TokenKind.LeftBrace:
                return ParseRecord();
            case TokenKind.Slot:
                throw Error("policy templates (slots such as ?principal) are not supported", t);
            case TokenKind.Identifier:
                return ParseNameExpression();
            default:
                throw Unexpected(t, "an expression");
        }
    }

    private Expr ParseRecord()
    {
        var open = Advance();
        var keys = new List<string>();
        var values = new List<Expr>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (Peek.Kind != TokenKind.RightBrace)
        {
            var keyToken = Peek;
            string key;
            if (keyToken.Kind == TokenKind.String)
            {
                Advance();
                key = StringEscapes.Unescape(keyToken.Text, keyToken.Location);
            }
            else
            {
                key = ReadIdentifier("a record key");
            }
            Expect(TokenKind.Colon, "`:`");
            var value = ParseExpr();
            if (!seen.Add(key))
            {
                throw Error($"duplicate key `{key}` in record literal", keyToken);
            }
            keys.Add(key);
            values.Add(value);
            if (Peek.Kind == TokenKind.Comma)
            {
                Advance();
                continue;
            }
            if (Peek.Kind != TokenKind.RightBrace)
            {
                throw Unexpected(Peek, "`,` or `}`");
            }
        }
        Advance();
        if (values.TrueForAll(v => v is LiteralExpr))
        {
            return new LiteralExpr(new RecordValue(keys.Select((k, i) => new KeyValuePair<string, Value>(k, ((LiteralExpr)values[i]).Value))), open.Location);
        }
        return Check(new RecordExpr([.. keys], [.. values], open.Location));
    }

    private Expr ParseNameExpression()
    {
        var t = Peek;
        switch (t.Text)
        {
            case "true":
                Advance();
                return new LiteralExpr(BoolValue.True, t.Location);
            case "false":
                Advance();
                return new LiteralExpr(BoolValue.False, t.Location);
        }
        if (PeekAt(1).Kind != TokenKind.DoubleColon)
        {
            Variable? variable = t.Text switch
            {
                "principal" => Variable.Principal,
                "action" => Variable.Action,
                "resource" => Variable.Resource,
                "context" => Variable.Context,
                _ => null,
            };
            if (variable is { } v)
            {
                Advance();
                if (Peek.Kind == TokenKind.LeftParen)
                {
                    throw Error($"`{t.Text}` is a variable, not a function", t);
                }
                return new VariableExpr(v, t.Location);
            }
        }
        var path = ParsePath("an expression");
        if (Peek.Kind == TokenKind.DoubleColon)
        {
            Advance();
            var id = Expect(TokenKind.String, "a string literal entity id");
            return new LiteralExpr(new EntityUid(path, StringEscapes.Unescape(id.Text, id.Location)), t.Location);
        }
        if (Peek.Kind == TokenKind.LeftParen)
        {
            var args = ParseArguments();
            if (ExtensionNames.TryFunction(path, out var f))
            {
                return Check(new ExtensionCallExpr(f, [.. args], t.Location));
            }
            if (ExtensionNames.UnsupportedFunctions.Contains(path))
            {
                throw Error($"`{path}` is valid Cedar but not supported by this implementation (no datetime extension)", t);
            }
            if (ExtensionNames.IsMethodName(path))
            {
                throw Error($"`{path}` is a method, not a function; call it as `x.{path}(...)`", t);
            }
            throw Error($"`{path}` is not a valid function", t);
        }
        throw Error($"`{path}` is not a valid expression; variables are principal, action, resource and context", t);
    }
}
