using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using LossDsl.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace LossDsl.Generator.Tests;

/// <summary>Runs the generator in process on a compilation built from C# sources and .loss files.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(LossDsl.LossAttribute).Assembly.Location))
            .ToImmutableArray());

    public static CSharpCompilation Compilation(params string[] sources) => CSharpCompilation.Create("Tests",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Preview), path: $"Source{i}.cs")),
        s_references.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver(IEnumerable<AdditionalText> files, bool track = true) =>
        CSharpGeneratorDriver.Create(
            new[] { new LossGenerator().AsSourceGenerator() },
            files,
            new CSharpParseOptions(LanguageVersion.Preview),
            new Options("LossDsl.Losses"),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));

    /// <summary>Runs the generator and returns the result and the compilation with the generated code.</summary>
    public static (GeneratorRunResult Result, Compilation Output) Run(IEnumerable<(string Path, string Text)> lossFiles, params string[] sources)
    {
        var driver = Driver(lossFiles.Select(f => (AdditionalText)new LossFile(f.Path, f.Text)));
        driver = driver.RunGeneratorsAndUpdateCompilation(Compilation(sources), out var output, out _);
        return (driver.GetRunResult().Results.Single(), output);
    }

    public static string RepositoryFile(string relative, [CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", relative));
}

/// <summary>A .loss file as an AdditionalText.</summary>
internal sealed class LossFile : AdditionalText
{
    private readonly string _text;
    public LossFile(string path, string text) { Path = path; _text = text; }
    public override string Path { get; }
    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(_text);
}

/// <summary>Global options as MSBuild passes them (build_property.RootNamespace).</summary>
internal sealed class Options : AnalyzerConfigOptionsProvider
{
    private readonly Global _global;
    public Options(string rootNamespace) => _global = new Global(rootNamespace);
    public override AnalyzerConfigOptions GlobalOptions => _global;
    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Global.Empty;
    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Global.Empty;

    private sealed class Global : AnalyzerConfigOptions
    {
        public static readonly Global Empty = new(null);
        private readonly string? _rootNamespace;
        public Global(string? rootNamespace) => _rootNamespace = rootNamespace;
        public override bool TryGetValue(string key, out string value)
        {
            value = _rootNamespace ?? "";
            return key == "build_property.RootNamespace" && _rootNamespace is not null;
        }
    }
}
