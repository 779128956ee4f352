using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// Compiles emitted C# as a user's build would: against the .NET 10 reference assemblies
/// (Basic.Reference.Assemblies.Net100) and LossDsl.Runtime, unsafe code allowed; and loads it in a collectible
/// context to run it.
/// </summary>
internal static class GeneratedCode
{
    /// <summary>The C# method <see cref="FormulaGenerator.ExternMethod"/> names, at every width.</summary>
    public const string Primitives = """
        using System.Numerics;
        using System.Runtime.Intrinsics;
        namespace Fuzz.Prims;
        public static class Ops
        {
            public static T Cube<T>(T x) where T : INumberBase<T> => x * x * x;
            public static Vector128<T> Cube<T>(Vector128<T> x) => x * x * x;
            public static Vector256<T> Cube<T>(Vector256<T> x) => x * x * x;
            public static Vector512<T> Cube<T>(Vector512<T> x) => x * x * x;
        }
        """;

    private static readonly Lazy<MetadataReference[]> s_references = new(() =>
        Basic.Reference.Assemblies.Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(LossDsl.LossAttribute).Assembly.Location))
            // the runtime's dependency (the tensor API of every loss), as a package reference brings it
            .Append(MetadataReference.CreateFromFile(typeof(System.Numerics.Tensors.Tensor).Assembly.Location))
            .ToArray());

    private static readonly CSharpParseOptions s_parse = new(LanguageVersion.Preview);

    public static CSharpCompilation Compilation(string assemblyName, IEnumerable<(string Path, string Source)> sources) =>
        CSharpCompilation.Create(assemblyName,
            sources.Append((Path: "Primitives.cs", Source: Primitives)).Select(s => CSharpSyntaxTree.ParseText(s.Source, s_parse, path: s.Path)),
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, optimizationLevel: OptimizationLevel.Release,
                nullableContextOptions: NullableContextOptions.Enable));

    public static List<Diagnostic> Errors(Compilation compilation) =>
        compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    /// <summary>An error with the line it is on, for a failure message.</summary>
    public static string Describe(Diagnostic d)
    {
        var line = d.Location.SourceTree is { } tree
            ? tree.GetText().Lines[d.Location.GetLineSpan().StartLinePosition.Line].ToString().Trim()
            : "";
        return $"{d.Id} {d.GetMessage()} (line {d.Location.GetLineSpan().StartLinePosition.Line + 1}: {(line.Length > 200 ? line.Substring(0, 200) + "…" : line)})";
    }

    /// <summary>Emits and loads the assembly in a collectible context; null with the errors when it does not compile.</summary>
    public static (Assembly? Assembly, AssemblyLoadContext? Context, List<Diagnostic> Errors) Load(CSharpCompilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success) return (null, null, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList());
        stream.Position = 0;
        var context = new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true);
        var assembly = context.LoadFromStream(stream);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        return (assembly, context, new List<Diagnostic>());
    }
}
