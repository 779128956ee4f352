using System;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace LossDsl.Generator;

/// <summary>
/// The pipeline, and only the pipeline: [Loss] attributes and .loss files each become <c>FormulaSource</c>s, which go
/// through the same stages (<see cref="Compiler"/>: parse → bind → differentiate → simplify), then emit. Diagnostics
/// and sources are separate outputs, so a changed message does not re-emit code.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class LossGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var fromAttributes = context.SyntaxProvider
            .ForAttributeWithMetadataName(SourceReader.AttributeName,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                static (ctx, ct) => SourceReader.FromAttribute(ctx, ct))
            .Where(static s => s is not null)
            .Select(static (s, _) => s!)
            .WithTrackingName(StepNames.AttributeSources);

        // The namespace of .loss files: the project's LossDslNamespace if set, else its RootNamespace (both made visible
        // to the compiler by the package's buildTransitive props; an unset property arrives as an empty string).
        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) =>
                options.GlobalOptions.TryGetValue("build_property.LossDslNamespace", out var ns) && !string.IsNullOrWhiteSpace(ns) ? ns
                : options.GlobalOptions.TryGetValue("build_property.RootNamespace", out ns) ? ns : null);
        var fromFiles = context.AdditionalTextsProvider
            .Where(static file => file.Path.EndsWith(".loss", StringComparison.OrdinalIgnoreCase))
            .Combine(rootNamespace)
            .Select(static (pair, ct) => SourceReader.FromFile(pair.Left, pair.Right, ct))
            .WithTrackingName(StepNames.FileSources);

        // Unsafe code allowed: elementwise losses get the parallel path (pinned spans). A bool: edits do not re-emit.
        var allowUnsafe = context.CompilationProvider
            .Select(static (compilation, _) => compilation.Options is Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions { AllowUnsafe: true });

        Register(context, fromAttributes, ".Loss.g.cs", allowUnsafe);
        Register(context, fromFiles, ".g.cs", allowUnsafe);
    }

    private static string HintOf(Model.LossModel model, string suffix) => (model.Namespace is null ? "" : model.Namespace + ".") + model.ClassName + suffix;

    private static void Register(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<Model.FormulaSource> sources, string suffix,
        IncrementalValueProvider<bool> allowUnsafe)
    {
        var compiled = sources.Select(static (source, _) => Compiler.Compile(source)).WithTrackingName(StepNames.Compiled);

        // Two sources declaring the same class would make AddSource throw (and Roslyn drop every output): find them first.
        // Only the names are collected, so an edit that keeps the names leaves the other sources cached.
        var duplicates = compiled
            .Select((unit, _) => Model.EquatableArray.ToEquatableArray(unit.Losses.Select(m => HintOf(m, suffix))))
            .Collect()
            .Select(static (all, _) => Model.EquatableArray.ToEquatableArray(all.SelectMany(x => x).GroupBy(x => x).Where(g => g.Count() > 1).Select(g => g.Key).OrderBy(x => x, StringComparer.Ordinal)));

        // The emit stage sees the models alone (no locations): a loss whose text moves is not re-emitted.
        var models = compiled.Select(static (unit, _) => unit.Losses).WithTrackingName(StepNames.Models);
        context.RegisterSourceOutput(models.Combine(duplicates).Combine(allowUnsafe), (spc, pair) =>
        {
            var ((losses, duplicated), @unsafe) = pair;
            foreach (var model in losses)
            {
                var hint = HintOf(model, suffix);
                if (duplicated.Contains(hint)) continue; // reported with its location by the diagnostics output below
                var (source, error) = Compiler.EmitSafely(model, @unsafe);
                if (error is not null) { spc.ReportDiagnostic(error.ToDiagnostic()); continue; }
                try
                {
                    spc.AddSource(hint, source!);
                }
                catch (ArgumentException e)
                {
                    // A hint Roslyn refuses: never let it escape (it would drop every output of the generator).
                    spc.ReportDiagnostic(new Diagnostics.DiagnosticInfo(Diagnostics.Descriptors.InternalError.Id,
                        new Diagnostics.SourceSpan(model.SourcePath, 0, 0, 0, 0, 0, 0), new[] { e.Message }.ToEquatableArrayOfStrings()).ToDiagnostic());
                }
            }
        });

        // Diagnostics carry the locations: the compiler's, and LOSS021 where two sources declare one class.
        var diagnostics = compiled
            .Select((unit, _) => (unit.Diagnostics, Named: Model.EquatableArray.ToEquatableArray(
                unit.Losses.Select((m, i) => (Hint: HintOf(m, suffix), m.Loss.Name, Location: unit.Locations[i])))))
            .Combine(duplicates)
            .WithTrackingName(StepNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (spc, pair) =>
        {
            var ((list, named), duplicated) = pair;
            foreach (var diagnostic in list) spc.ReportDiagnostic(diagnostic.ToDiagnostic());
            foreach (var (hint, name, location) in named)
                if (duplicated.Contains(hint))
                    spc.ReportDiagnostic(new Diagnostics.DiagnosticInfo(Diagnostics.Descriptors.DuplicateLoss.Id, location,
                        new[] { name }.ToEquatableArrayOfStrings()).ToDiagnostic());
        });
    }
}

internal static class StringArrays
{
    public static Model.EquatableArray<string> ToEquatableArrayOfStrings(this string[] values) => Model.EquatableArray.ToEquatableArray(values);
}
