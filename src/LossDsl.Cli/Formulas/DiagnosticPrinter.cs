using System;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;

namespace LossDsl.Cli.Formulas;

/// <summary>
/// Diagnostics as a compiler prints them, for a terminal: <c>file(line,col): error LOSSnnn: message</c>, then the source
/// line and <c>^^^^</c> under the span.
/// </summary>
public static class DiagnosticPrinter
{
    /// <summary><c>path(line,col): error LOSSnnn: message</c> (1-based line and column, as MSBuild prints them).</summary>
    public static string Header(Diagnostic diagnostic, string? path = null)
    {
        var span = diagnostic.Location.GetLineSpan();
        string where = path ?? span.Path;
        string position = diagnostic.Location == Location.None || !span.IsValid ? ""
            : $"({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";
        string severity = diagnostic.Severity switch
        {
            DiagnosticSeverity.Error => "error",
            DiagnosticSeverity.Warning => "warning",
            _ => "info",
        };
        return $"{where}{position}: {severity} {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// The header, then, when the diagnostic points into <paramref name="text"/> (the file <paramref name="path"/>), the
    /// line it starts on and carets under its span (to the end of that line for a span over several lines).
    /// </summary>
    public static string Render(Diagnostic diagnostic, string path, string text)
    {
        var result = new StringBuilder(Header(diagnostic, path));
        var span = diagnostic.Location.GetLineSpan();
        // Formula diagnostics point into the .loss text (an external file to Roslyn); others (C# of generated code) have no line here.
        if (diagnostic.Location.Kind != LocationKind.ExternalFile || !span.IsValid)
            return result.ToString();
        string[] lines = text.Split('\n');
        int line = span.StartLinePosition.Line;
        if (line < 0 || line >= lines.Length) return result.ToString();
        string source = Printable(lines[line].TrimEnd('\r'));
        int start = Math.Min(span.StartLinePosition.Character, source.Length);
        int end = span.EndLinePosition.Line == line ? Math.Min(span.EndLinePosition.Character, source.Length) : source.Length;
        if (source.Trim().Length == 0 && start >= source.TrimEnd().Length)
        {
            // At the end of the text, after blank lines ("found end of text"): point just past the last written line.
            int previous = line - 1;
            while (previous >= 0 && lines[previous].Trim().Length == 0) previous--;
            if (previous >= 0)
            {
                line = previous;
                source = Printable(lines[line].TrimEnd('\r'));
                start = end = source.Length;
            }
        }
        int width = Math.Max(1, end - start);
        string number = (line + 1).ToString(CultureInfo.InvariantCulture);
        result.Append('\n').Append(' ', 2).Append(number).Append(" | ").Append(source);
        result.Append('\n').Append(' ', 2 + number.Length).Append(" | ").Append(' ', start).Append('^', width);
        return result.ToString();
    }

    /// <summary>The line with tabs as one space and other control characters (binary junk) as '?', so columns stay aligned.</summary>
    private static string Printable(string line)
    {
        var chars = line.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
            if (chars[i] == '\t') chars[i] = ' ';
            else if (char.IsControl(chars[i]) || char.IsSurrogate(chars[i])) chars[i] = '?';
        return new string(chars);
    }
}
