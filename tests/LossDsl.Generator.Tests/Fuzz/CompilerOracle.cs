using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// Runs one text through the whole compiler in process (<see cref="Compiler.Compile"/>, then
/// <see cref="Compiler.EmitSafely"/> for every model) and checks what must hold for any text: no exception escapes,
/// no LOSS999 (internal error), every diagnostic has a known ID and a span inside the text.
/// </summary>
internal static class CompilerOracle
{
    public const string Path = "/fuzz/fuzz.loss";

    /// <summary>What one text gave: its problems (empty when all holds) and the C# of every emitted loss.</summary>
    public sealed record Outcome(string Text, CompiledUnit? Unit, List<Problem> Problems, List<(LossModel Model, string Source)> Emitted)
    {
        public bool HasErrors => Unit is null || Unit.Diagnostics.Any(d => Descriptors.ById(d.Id).DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
    }

    /// <summary>A broken guarantee; <see cref="Cause"/> groups problems with one cause (numbers and names left out).</summary>
    public sealed record Problem(string Cause, string Detail);

    public static Outcome Run(string text, string? @namespace = "Fuzz", bool allowUnsafe = true)
    {
        var problems = new List<Problem>();
        var emitted = new List<(LossModel, string)>();
        CompiledUnit? unit = null;
        try
        {
            unit = Compiler.Compile(new FormulaSource(Path, text, SourceMap.File, @namespace, null, "public", EquatableArray<DiagnosticInfo>.Empty));
        }
        catch (Exception e)
        {
            problems.Add(new Problem($"Compile threw {e.GetType().Name}", e.ToString()));
            return new Outcome(text, null, problems, emitted);
        }
        foreach (var d in unit.Diagnostics) CheckDiagnostic(d, text, "Compile", problems);
        foreach (var model in unit.Losses)
        {
            try
            {
                var (source, error) = Compiler.EmitSafely(model, allowUnsafe);
                if (error is not null) CheckDiagnostic(error, text, "EmitSafely", problems);
                else if (source is null) problems.Add(new Problem("EmitSafely returned neither source nor error", model.ClassName));
                else emitted.Add((model, source));
            }
            catch (Exception e)
            {
                problems.Add(new Problem($"EmitSafely threw {e.GetType().Name}", e.ToString()));
            }
        }
        return new Outcome(text, unit, problems, emitted);
    }

    private static void CheckDiagnostic(DiagnosticInfo d, string text, string stage, List<Problem> problems)
    {
        if (string.IsNullOrEmpty(d.Id) || !Descriptors.All.Any(x => x.Id == d.Id))
        {
            problems.Add(new Problem($"{stage}: diagnostic with an unknown ID", $"'{d.Id}' {string.Join("; ", d.Arguments)}"));
            return;
        }
        if (d.Id == Descriptors.InternalError.Id)
        {
            var message = d.Arguments.Count > 0 ? d.Arguments[0] : "";
            problems.Add(new Problem($"{stage}: LOSS999 {Normalize(message)}", message));
        }
        if (d.Span is not { } span)
        {
            problems.Add(new Problem($"{stage}: {d.Id} without a span", string.Join("; ", d.Arguments)));
            return;
        }
        if (span.Path != Path || span.Start < 0 || span.Length < 0 || span.Start + span.Length > text.Length)
            problems.Add(new Problem($"{stage}: {d.Id} span outside the text", $"start {span.Start}, length {span.Length}, text length {text.Length}, path {span.Path}"));
        else if (span.StartLine < 0 || span.EndLine < span.StartLine || span.StartColumn < 0 || span.EndColumn < 0)
            problems.Add(new Problem($"{stage}: {d.Id} span with bad line positions", span.ToString()));
    }

    /// <summary>The cause of a message: numbers and quoted names replaced, so that one bug is one group.</summary>
    public static string Normalize(string message)
    {
        var first = message.Split('\n')[0];
        first = Regex.Replace(first, "'[^']*'", "'…'");
        first = Regex.Replace(first, @"\d+", "N");
        return first.Length > 160 ? first.Substring(0, 160) : first;
    }
}
