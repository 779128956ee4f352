using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Model;

/// <summary>
/// One piece of formula text from either carrier, as plain data: a whole <c>.loss</c> file, or the string of one
/// [Loss] attribute with the class it fills. The first pipeline stage produces it; nothing after holds a symbol.
/// </summary>
/// <param name="Path">The file the text lives in.</param>
/// <param name="Text">The formula text (for an attribute: the string's value).</param>
/// <param name="Map">How offsets in <paramref name="Text"/> map to positions in the file.</param>
/// <param name="Namespace">The namespace of the generated classes (null: global).</param>
/// <param name="ClassName">For an attribute: the partial class to fill; null for a .loss file (one class per loss, named after it).</param>
/// <param name="Accessibility">For an attribute: the class's accessibility keyword.</param>
/// <param name="Diagnostics">Problems found while reading the carrier (e.g. a class that is not static partial).</param>
internal sealed record FormulaSource(
    string Path,
    string Text,
    SourceMap Map,
    string? Namespace,
    string? ClassName,
    string Accessibility,
    EquatableArray<DiagnosticInfo> Diagnostics)
{
    public bool IsAttribute => ClassName is not null;

    /// <summary>True when the carrier is unusable (its diagnostics say why): nothing is compiled.</summary>
    public bool Skip { get; init; }

}

/// <summary>
/// Maps an offset in formula text to the file: the text starts at <paramref name="Start"/> (line
/// <paramref name="Line"/>, column <paramref name="Column"/>). When <paramref name="Exact"/> is false (a string with
/// escapes), every span maps to the whole literal, <paramref name="Start"/> .. + <paramref name="FallbackLength"/>.
/// </summary>
internal sealed record SourceMap(int Start, int Line, int Column, bool Exact, int FallbackLength)
{
    public static readonly SourceMap File = new(0, 0, 0, true, 0);

    public SourceSpan Locate(string path, string text, int start, int length)
    {
        if (!Exact)
            return new SourceSpan(path, Start, FallbackLength, Line, Column, Line, Column + FallbackLength);
        start = System.Math.Max(0, System.Math.Min(start, text.Length));
        length = System.Math.Max(0, System.Math.Min(length, text.Length - start));
        var (l1, c1) = Position(text, start);
        var (l2, c2) = Position(text, start + length);
        return new SourceSpan(path, Start + start, length, l1, c1, l2, c2);
    }

    private (int Line, int Column) Position(string text, int offset)
    {
        int line = 0, lineStart = 0;
        for (int i = 0; i < offset; i++)
        {
            if (text[i] == '\n') { line++; lineStart = i + 1; }
        }
        return line == 0 ? (Line, Column + offset) : (Line + line, offset - lineStart);
    }
}
