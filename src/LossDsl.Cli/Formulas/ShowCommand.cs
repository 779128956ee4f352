using System.IO;
using System.Linq;
using LossDsl.Generator;
using Microsoft.CodeAnalysis;

namespace LossDsl.Cli.Formulas;

/// <summary>
/// <c>lossdsl show FILE.loss | 'FORMULA' [--code]</c>: each loss as parsed, simplified (with the stable rewrites that
/// fired), its derivatives and, for elementwise losses, its second derivatives; then the diagnostics, underlined.
/// </summary>
public static class ShowCommand
{
    /// <summary>Where the formula comes from: an existing file, a catalogue loss's name, or the argument itself as formula text.</summary>
    public static (string Path, string Text)? Source(string argument, TextWriter error)
    {
        if (File.Exists(argument)) return (argument, File.ReadAllText(argument));
        if (argument.EndsWith(".loss", System.StringComparison.OrdinalIgnoreCase) && !argument.Contains('='))
        {
            error.WriteLine($"lossdsl: no such file: {argument}");
            return null;
        }
        // A catalogue loss by name: its declaration as registered (the installed tool has no definitions/ folder).
        if (System.Text.RegularExpressions.Regex.IsMatch(argument, "^[A-Za-z_][A-Za-z0-9_]*$")
            && Eval.RegisteredLosses.EnsureLoaded() && LossRegistry.TryGet(argument, out var catalogued))
            return (argument + ".loss", catalogued.Formula);
        return ("<formula>", argument);
    }

    /// <summary>Writes the explanation; returns 1 when the formula has errors, else 0.</summary>
    public static int Run(string path, string text, bool code, TextWriter output)
    {
        var report = Workbench.Explain(path, text, withCode: code);
        foreach (var loss in report.Losses)
        {
            output.WriteLine($"loss {loss.Name} ({loss.Kind}; generated class {loss.ClassName})");
            Section(output, "declared", loss.Declaration.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')));
            Section(output, "parsed (lets inlined)", loss.Bound);
            Section(output, "simplified", loss.Simplified);
            Section(output, "stable rewrites", loss.Rewrites.Count == 0 ? new[] { "(none)" }
                : loss.Rewrites.Select(r => $"{r.Rule}:  {r.Before}  ⇒  {r.After}"));
            Section(output, "derivatives", loss.Derivatives.Count == 0 ? new[] { "(no differentiable input)" } : loss.Derivatives);
            if (loss.Kind == "elementwise")
                Section(output, "second derivatives", loss.SecondDerivatives.Count == 0 ? new[] { "(no differentiable input)" } : loss.SecondDerivatives);
            if (code)
            {
                output.WriteLine("  generated C#:");
                output.WriteLine(loss.Code ?? "    (not generated: " + loss.CodeError + ")");
            }
            output.WriteLine();
        }
        int errors = report.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
        foreach (var diagnostic in report.Diagnostics)
        {
            output.WriteLine(DiagnosticPrinter.Render(diagnostic, path, text));
            output.WriteLine();
        }
        if (report.Losses.Count == 0 && errors == 0 && report.Diagnostics.Count == 0)
            output.WriteLine("no loss declared (a declaration reads: loss NAME(input, target; option = 1.0) = FORMULA)");
        if (report.Diagnostics.Count > 0)
            output.WriteLine($"{errors} error(s), {report.Diagnostics.Count - errors} warning(s)");
        return errors > 0 ? 1 : 0;
    }

    private static void Section(TextWriter output, string title, System.Collections.Generic.IEnumerable<string> lines)
    {
        output.WriteLine($"  {title}:");
        foreach (string line in lines) output.WriteLine("    " + line);
    }
}
