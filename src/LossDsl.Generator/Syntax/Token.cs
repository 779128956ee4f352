namespace LossDsl.Generator.Syntax;

internal enum TokenKind
{
    EndOfFile, Identifier, Number, DocComment, String,
    // keywords
    Loss, Let, In, If, Then, Else, Const, True, False, And, Or, Not,
    // punctuation
    OpenParen, CloseParen, Comma, Semicolon, Equals, Plus, Minus, Star, Slash, Caret,
    Less, LessEqual, Greater, GreaterEqual, EqualEqual, NotEqual, Question, Colon, OpenBracket, CloseBracket, Dot,
    Bad,
}

/// <summary>A token with its span in the formula text.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Start)
{
    public int Length => Text.Length;
    public int End => Start + Text.Length;

    public static string Describe(TokenKind kind) => kind switch
    {
        TokenKind.EndOfFile => "end of text",
        TokenKind.Identifier => "a name",
        TokenKind.Number => "a number",
        TokenKind.String => "a message in double quotes",
        TokenKind.OpenParen => "'('",
        TokenKind.CloseParen => "')'",
        TokenKind.CloseBracket => "']'",
        TokenKind.Comma => "','",
        TokenKind.Semicolon => "';'",
        TokenKind.Equals => "'='",
        TokenKind.Colon => "':'",
        TokenKind.Loss => "'loss'",
        TokenKind.In => "'in'",
        TokenKind.Then => "'then'",
        TokenKind.Else => "'else'",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public string Describe() => Kind switch
    {
        TokenKind.EndOfFile => "end of text",
        _ => "'" + Text + "'",
    };
}
