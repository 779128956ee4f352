using System.Collections.Generic;
using System.Globalization;

namespace LossDsl.Generator.Syntax;

/// <summary>Turns formula text into tokens. Never throws: an unknown character becomes a <see cref="TokenKind.Bad"/> token.</summary>
internal static class Lexer
{
    private static readonly Dictionary<string, TokenKind> s_keywords = new()
    {
        ["loss"] = TokenKind.Loss, ["let"] = TokenKind.Let, ["in"] = TokenKind.In, ["if"] = TokenKind.If,
        ["then"] = TokenKind.Then, ["else"] = TokenKind.Else, ["const"] = TokenKind.Const,
        ["true"] = TokenKind.True, ["false"] = TokenKind.False, ["and"] = TokenKind.And, ["or"] = TokenKind.Or,
        ["not"] = TokenKind.Not,
    };

    public static List<Token> Lex(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                int start = i;
                while (i < text.Length && text[i] != '\n') i++;
                if (start + 2 < text.Length && text[start + 2] == '/')
                    tokens.Add(new Token(TokenKind.DocComment, text.Substring(start, i - start).TrimEnd('\r'), start));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                int start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
                string word = text.Substring(start, i - start);
                tokens.Add(new Token(s_keywords.TryGetValue(word, out var kw) ? kw : TokenKind.Identifier, word, start));
                continue;
            }
            if (char.IsDigit(c) || (c == '.' && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                int start = i;
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.')) i++;
                if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
                {
                    int save = i;
                    i++;
                    if (i < text.Length && (text[i] == '+' || text[i] == '-')) i++;
                    if (i < text.Length && char.IsDigit(text[i])) { while (i < text.Length && char.IsDigit(text[i])) i++; }
                    else i = save;
                }
                tokens.Add(new Token(TokenKind.Number, text.Substring(start, i - start), start));
                continue;
            }
            if (c == '"' && StringLength(text, i) is int quoted and > 0)
            {
                tokens.Add(new Token(TokenKind.String, text.Substring(i, quoted), i));
                i += quoted;
                continue;
            }
            var (kind, length) = Punctuation(text, i);
            tokens.Add(new Token(kind, text.Substring(i, length), i));
            i += length;
        }
        tokens.Add(new Token(TokenKind.EndOfFile, "", text.Length));
        return tokens;
    }

    /// <summary>
    /// The length of the string literal at <paramref name="start"/> (a <c>require</c> clause's message): from the quote to
    /// the closing one on the same line, <c>\"</c> and <c>\\</c> escaped; 0 when it is not closed on its line (the
    /// quote is then a bad character, LOSS001).
    /// </summary>
    private static int StringLength(string text, int start)
    {
        for (int i = start + 1; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '\n' or '\r') return 0;
            if (c == '\\') { i++; continue; }
            if (c == '"') return i + 1 - start;
        }
        return 0;
    }

    /// <summary>The text of a string literal token: without its quotes, its escapes resolved.</summary>
    public static string StringValue(string token)
    {
        var inner = token.Length >= 2 ? token.Substring(1, token.Length - 2) : "";
        var sb = new System.Text.StringBuilder(inner.Length);
        for (int i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length) i++;
            sb.Append(inner[i]);
        }
        return sb.ToString();
    }

    private static (TokenKind, int) Punctuation(string text, int i)
    {
        char c = text[i];
        char next = i + 1 < text.Length ? text[i + 1] : '\0';
        return c switch
        {
            '(' => (TokenKind.OpenParen, 1),
            ')' => (TokenKind.CloseParen, 1),
            '[' => (TokenKind.OpenBracket, 1),
            '.' => (TokenKind.Dot, 1),
            ']' => (TokenKind.CloseBracket, 1),
            ',' => (TokenKind.Comma, 1),
            ';' => (TokenKind.Semicolon, 1),
            '+' => (TokenKind.Plus, 1),
            '-' => (TokenKind.Minus, 1),
            '*' => (TokenKind.Star, 1),
            '/' => (TokenKind.Slash, 1),
            '^' => (TokenKind.Caret, 1),
            '?' => (TokenKind.Question, 1),
            ':' => (TokenKind.Colon, 1),
            '<' => next == '=' ? (TokenKind.LessEqual, 2) : (TokenKind.Less, 1),
            '>' => next == '=' ? (TokenKind.GreaterEqual, 2) : (TokenKind.Greater, 1),
            '=' => next == '=' ? (TokenKind.EqualEqual, 2) : (TokenKind.Equals, 1),
            '!' => next == '=' ? (TokenKind.NotEqual, 2) : (TokenKind.Bad, 1),
            _ => (TokenKind.Bad, char.IsSurrogate(c) && i + 1 < text.Length ? 2 : 1),
        };
    }

    public static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
