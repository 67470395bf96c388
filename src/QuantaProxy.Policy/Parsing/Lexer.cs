namespace QuantaProxy.Policy.Parsing;

/// <summary>Splits Cedar policy text into tokens, tracking line and column; skips whitespace and <c>//</c> comments.</summary>
internal sealed class Lexer
{
    private readonly string _text;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    public Lexer(string text) => _text = text;

    public static string Spelling(TokenKind kind) => kind switch
    {
        TokenKind.At => "@",
        TokenKind.Dot => ".",
        TokenKind.Comma => ",",
        TokenKind.Semicolon => ";",
        TokenKind.Colon => ":",
        TokenKind.DoubleColon => "::",
        TokenKind.LeftParen => "(",
        TokenKind.RightParen => ")",
        TokenKind.LeftBrace => "{",
        TokenKind.RightBrace => "}",
        TokenKind.LeftBracket => "[",
        TokenKind.RightBracket => "]",
        TokenKind.EqualEqual => "==",
        TokenKind.NotEqual => "!=",
        TokenKind.Less => "<",
        TokenKind.LessEqual => "<=",
        TokenKind.Greater => ">",
        TokenKind.GreaterEqual => ">=",
        TokenKind.OrOr => "||",
        TokenKind.AndAnd => "&&",
        TokenKind.Plus => "+",
        TokenKind.Minus => "-",
        TokenKind.Star => "*",
        TokenKind.Slash => "/",
        TokenKind.Percent => "%",
        TokenKind.Bang => "!",
        TokenKind.Equal => "=",
        _ => kind.ToString(),
    };

    public List<Token> Tokenize()
    {
        var tokens = new List<Token>();
        while (true)
        {
            SkipTrivia();
            var loc = Here();
            if (_pos >= _text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", loc));
                return tokens;
            }
            tokens.Add(Next(loc));
        }
    }

    private SourceLocation Here() => new(_line, _pos - _lineStart + 1, _pos);

    private void Advance()
    {
        if (_text[_pos] == '\n')
        {
            _line++;
            _lineStart = _pos + 1;
        }
        _pos++;
    }

    private void SkipTrivia()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (char.IsWhiteSpace(c))
            {
                Advance();
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '/')
            {
                while (_pos < _text.Length && _text[_pos] != '\n' && _text[_pos] != '\r')
                {
                    _pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private static bool IsIdentStart(char c) => c == '_' || char.IsAsciiLetter(c);

    private static bool IsIdentPart(char c) => c == '_' || char.IsAsciiLetterOrDigit(c);

    private Token Next(SourceLocation loc)
    {
        var c = _text[_pos];
        if (IsIdentStart(c))
        {
            var start = _pos;
            while (_pos < _text.Length && IsIdentPart(_text[_pos]))
            {
                _pos++;
            }
            return new Token(TokenKind.Identifier, _text[start.._pos], loc);
        }
        if (char.IsAsciiDigit(c))
        {
            var start = _pos;
            while (_pos < _text.Length && char.IsAsciiDigit(_text[_pos]))
            {
                _pos++;
            }
            return new Token(TokenKind.Integer, _text[start.._pos], loc);
        }
        if (c == '"')
        {
            return ReadString(loc);
        }
        if (c == '?')
        {
            var start = _pos;
            _pos++;
            while (_pos < _text.Length && IsIdentPart(_text[_pos]))
            {
                _pos++;
            }
            return new Token(TokenKind.Slot, _text[start.._pos], loc);
        }
        var two = _pos + 1 < _text.Length ? _text.Substring(_pos, 2) : "";
        TokenKind? twoKind = two switch
        {
            "::" => TokenKind.DoubleColon,
            "==" => TokenKind.EqualEqual,
            "!=" => TokenKind.NotEqual,
            "<=" => TokenKind.LessEqual,
            ">=" => TokenKind.GreaterEqual,
            "||" => TokenKind.OrOr,
            "&&" => TokenKind.AndAnd,
            _ => null,
        };
        if (twoKind is { } tk)
        {
            _pos += 2;
            return new Token(tk, two, loc);
        }
        TokenKind? oneKind = c switch
        {
            '@' => TokenKind.At,
            '.' => TokenKind.Dot,
            ',' => TokenKind.Comma,
            ';' => TokenKind.Semicolon,
            ':' => TokenKind.Colon,
            '(' => TokenKind.LeftParen,
            ')' => TokenKind.RightParen,
            '{' => TokenKind.LeftBrace,
            '}' => TokenKind.RightBrace,
            '[' => TokenKind.LeftBracket,
            ']' => TokenKind.RightBracket,
            '<' => TokenKind.Less,
            '>' => TokenKind.Greater,
            '+' => TokenKind.Plus,
            '-' => TokenKind.Minus,
            '*' => TokenKind.Star,
            '/' => TokenKind.Slash,
            '%' => TokenKind.Percent,
            '!' => TokenKind.Bang,
            '=' => TokenKind.Equal,
            _ => null,
        };
        if (oneKind is { } ok)
        {
            _pos++;
            return new Token(ok, c.ToString(), loc);
        }
        throw new PolicyParseException($"unexpected character `{c}`", loc);
    }

    private Token ReadString(SourceLocation loc)
    {
        _pos++;
        var start = _pos;
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw new PolicyParseException("unterminated string literal", loc);
            }
            var c = _text[_pos];
            if (c == '"')
            {
                var body = _text[start.._pos];
                _pos++;
                return new Token(TokenKind.String, body, loc);
            }
            if (c == '\\')
            {
                Advance();
                if (_pos >= _text.Length)
                {
                    throw new PolicyParseException("unterminated string literal", loc);
                }
            }
            Advance();
        }
    }
}
