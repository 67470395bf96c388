namespace QuantaProxy.Policy.Parsing;

/// <summary>A position in policy text: 1-based line and column (in UTF-16 code units), and the 0-based offset.</summary>
public readonly record struct SourceLocation(int Line, int Column, int Offset)
{
    public override string ToString() => $"{Line}:{Column}";
}
