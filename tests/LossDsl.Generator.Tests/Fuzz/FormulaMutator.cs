using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// Character- and token-level damage to valid formulas: deleted, inserted, replaced and duplicated characters and
/// tokens, random characters (non-ASCII, NUL, lone surrogates, control characters), truncation. What comes out is
/// mostly invalid: the compiler must report it, not crash.
/// </summary>
internal sealed class FormulaMutator
{
    private static readonly string[] s_tokens =
    {
        "loss", "fn", "extern", "grad", "let", "in", "if", "then", "else", "const", "row", "class", "index", "labels",
        "except", "mean", "by", "per", "and", "or", "not", "true", "false", "sum", "mean_all", "max", "softmax", "x",
        "(", ")", "[", "]", ",", ";", "=", "+", "-", "*", "/", "^", "?", ":", "<", "<=", "==", "!=", ".", "///", "//",
        "1e", "1e-", ".5", "0x10", "1.2.3", "9e999", "\n", " ",
    };

    private static readonly char[] s_characters =
    {
        '\0', '\u0001', '\t', '\r', '\n', '\u00a0', '\u2028', '\ufeff', '\uffff', '\ud800', '\udc00', 'é', 'ß', 'İ',
        '٣', '²', '∑', '√', '→', '(', ')', '[', ']', '{', '}', '#', '!', '&', '%', '$', '@', '\\', '"', '\'', '`', '~',
        '|', '.', ',', ';', '_', '0', '9', 'e', 'E', 'x', '/', '*', '^', '<', '>', '=', '?', ':', '-', '+',
    };

    private static readonly Regex s_token = new(@"\w+|///|//|<=|>=|==|!=|\S", RegexOptions.CultureInvariant);

    private readonly Random _r;

    public FormulaMutator(Random random) => _r = random;

    /// <summary>One to five mutations of <paramref name="text"/>.</summary>
    public string Mutate(string text)
    {
        int count = _r.Next(1, 6);
        for (int k = 0; k < count; k++) text = MutateOnce(text);
        return text;
    }

    private string MutateOnce(string text)
    {
        if (text.Length == 0) return RandomText(_r.Next(1, 40));
        int at = _r.Next(text.Length + 1);
        switch (_r.Next(12))
        {
            case 0: // delete a character
                return at < text.Length ? text.Remove(at, 1) : text;
            case 1: // insert a character
                return text.Insert(at, RandomChar().ToString());
            case 2: // replace a character
                return at < text.Length ? text.Remove(at, 1).Insert(at, RandomChar().ToString()) : text;
            case 3: // duplicate a span
            {
                int length = Math.Min(_r.Next(1, 30), text.Length - Math.Min(at, text.Length));
                return text.Insert(at, text.Substring(Math.Min(at, text.Length), length));
            }
            case 4: // truncate
                return text.Substring(0, at);
            case 5: // random characters
                return text.Insert(at, RandomText(_r.Next(1, 12)));
            default:
                return MutateToken(text);
        }
    }

    private string MutateToken(string text)
    {
        var tokens = s_token.Matches(text).Cast<Match>().ToList();
        if (tokens.Count == 0) return text + Pick(s_tokens);
        var t = tokens[_r.Next(tokens.Count)];
        switch (_r.Next(5))
        {
            case 0: // delete a token
                return text.Remove(t.Index, t.Length);
            case 1: // duplicate a token
                return text.Insert(t.Index, t.Value + (_r.Next(2) == 0 ? " " : ""));
            case 2: // replace a token
                return text.Remove(t.Index, t.Length).Insert(t.Index, Pick(s_tokens));
            case 3: // insert a token
                return text.Insert(t.Index, Pick(s_tokens) + " ");
            default: // swap two tokens
            {
                var u = tokens[_r.Next(tokens.Count)];
                if (u.Index == t.Index) return text;
                var (first, second) = t.Index < u.Index ? (t, u) : (u, t);
                if (first.Index + first.Length > second.Index) return text;
                return text.Substring(0, first.Index) + second.Value + text.Substring(first.Index + first.Length, second.Index - first.Index - first.Length)
                       + first.Value + text.Substring(second.Index + second.Length);
            }
        }
    }

    private string Pick(string[] items) => items[_r.Next(items.Length)];

    private char RandomChar() => _r.Next(3) == 0 ? (char)_r.Next(0, 0x10000) : s_characters[_r.Next(s_characters.Length)];

    /// <summary>Random characters: any UTF-16 unit, NUL and lone surrogates included.</summary>
    public string RandomText(int length)
    {
        var sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) sb.Append(RandomChar());
        return sb.ToString();
    }
}
