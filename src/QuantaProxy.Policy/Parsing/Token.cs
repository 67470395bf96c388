namespace QuantaProxy.Policy.Parsing;

/// <summary>
/// A lexical token. <see cref="Text"/> is the identifier, the digits of an integer, or a string literal's raw
/// body between the quotes (escapes are resolved by the parser, which knows whether it reads a <c>like</c> pattern).
/// </summary>
internal readonly record struct Token(TokenKind Kind, string Text, SourceLocation Location)
{
    public bool IsIdentifier(string word) => Kind == TokenKind.Identifier && string.Equals(Text, word, StringComparison.Ordinal);

    public string Describe() => Kind switch
    {
        TokenKind.End => "end of input",
        TokenKind.Identifier => $"`{Text}`",
        TokenKind.Integer => $"`{Text}`",
        TokenKind.String => $"string literal \"{Text}\"",
        TokenKind.Slot => $"`{Text}`",
        _ => $"`{Lexer.Spelling(Kind)}`",
    };
}
