using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Threading;
using LossDsl.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace LossDsl.Cli.Formulas;

/// <summary>
/// A <c>.loss</c> file compiled at run time: the losses it registered, or the diagnostics that stopped it.
/// </summary>
/// <param name="Path">The file as named on the command line.</param>
/// <param name="Text">Its text (what the diagnostics point into).</param>
/// <param name="Diagnostics">The generator's LOSSnnn diagnostics (and, should the generated code not compile, the C# errors).</param>
/// <param name="Losses">The losses it registered in <see cref="LossRegistry"/> (none when it failed).</param>
/// <param name="DeclaredNames">The loss names the file declares, as far as it parses.</param>
/// <param name="Shadowed">The declared names that were registered before (the catalogue's): the file's loss replaced them.</param>
public sealed record CompiledLossFile(
    string Path,
    string Text,
    IReadOnlyList<Diagnostic> Diagnostics,
    IReadOnlyList<ILossDefinition> Losses,
    IReadOnlyList<string> DeclaredNames,
    IReadOnlyList<string> Shadowed)
{
    public bool Failed => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>The first error, as <c>file(line,col): error LOSSnnn: message</c>.</summary>
    public string? FirstError => Diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is { } d ? DiagnosticPrinter.Header(d) : null;
}

/// <summary>
/// Compiles <c>.loss</c> files in process, as a build would: the <see cref="LossGenerator"/> runs in a
/// <see cref="CSharpGeneratorDriver"/> over the file, Roslyn compiles its output to memory against the runtime and the
/// platform assemblies, and the assembly is loaded in its own <see cref="AssemblyLoadContext"/> (LossDsl.Runtime comes
/// from the default context, so there is one <see cref="LossRegistry"/>) and its module initializer run, which
/// registers its losses. A loss whose name is already registered (a catalogue loss) is replaced: the file wins.
/// Each file is its own assembly, so one broken file leaves the others working.
/// </summary>
public static class LossFileCompiler
{
    private static int s_count;

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        // The platform (the trusted platform assemblies of this process) and the runtime the generated kernels call.
        // The catalogue assembly is left out: a file's losses must not see (or clash with) the catalogue's classes.
        var paths = ((AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string) ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Where(p => !System.IO.Path.GetFileNameWithoutExtension(p).Equals(Eval.RegisteredLosses.DefinitionsAssembly, StringComparison.OrdinalIgnoreCase))
            .Append(typeof(LossRegistry).Assembly.Location)
            .Where(p => p.Length > 0 && File.Exists(p))
            .GroupBy(p => System.IO.Path.GetFileName(p), StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First());
        var references = new List<MetadataReference>();
        foreach (string path in paths)
        {
            try { references.Add(MetadataReference.CreateFromFile(path)); }
            catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException) { }
        }
        return references.ToImmutableArray();
    });

    /// <summary>Reads and compiles a file. Never throws: an unreadable file is a diagnostic too.</summary>
    public static CompiledLossFile CompileFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            var error = Diagnostic.Create(new DiagnosticDescriptor("LOSSCLI", "Unreadable file", "{0}", "LossDsl", DiagnosticSeverity.Error, true),
                Location.Create(path, default, default), e.Message);
            return new CompiledLossFile(path, "", new[] { error }, Array.Empty<ILossDefinition>(), Array.Empty<string>(), Array.Empty<string>());
        }
        return Compile(path, text);
    }

    /// <summary>Compiles formula text as the file <paramref name="path"/>. Never throws.</summary>
    public static CompiledLossFile Compile(string path, string text)
    {
        var declared = Workbench.DeclaredLossNames(text);
        try
        {
            return CompileCore(path, text, declared);
        }
        catch (Exception e)
        {
            var error = Diagnostic.Create(new DiagnosticDescriptor("LOSS999", "Internal error", "Compiling the file failed: {0}", "LossDsl", DiagnosticSeverity.Error, true),
                Location.Create(path, default, default), e.GetType().Name + ": " + e.Message);
            return new CompiledLossFile(path, text, new[] { error }, Array.Empty<ILossDefinition>(), declared, Array.Empty<string>());
        }
    }

    private static CompiledLossFile CompileCore(string path, string text, IReadOnlyList<string> declared)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var driver = CSharpGeneratorDriver.Create(
            new[] { new LossGenerator().AsSourceGenerator() },
            new AdditionalText[] { new LossText(path, text) },
            parseOptions);
        int n = Interlocked.Increment(ref s_count);
        var compilation = CSharpCompilation.Create($"LossDsl.File{n}.{Sanitize(System.IO.Path.GetFileNameWithoutExtension(path))}",
            Array.Empty<SyntaxTree>(), s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, optimizationLevel: OptimizationLevel.Release,
                nullableContextOptions: NullableContextOptions.Enable));
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var diagnostics = generatorDiagnostics.OrderBy(d => d.Location.SourceSpan.Start).ToList();
        var none = Array.Empty<ILossDefinition>();
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            return new CompiledLossFile(path, text, diagnostics, none, declared, Array.Empty<string>());

        using var image = new MemoryStream();
        var emitted = output.Emit(image);
        if (!emitted.Success)
        {
            // The generator accepted the formula but its code does not compile: a bug of the generator, shown as it is.
            diagnostics.AddRange(emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10));
            return new CompiledLossFile(path, text, diagnostics, none, declared, Array.Empty<string>());
        }
        image.Position = 0;
        var context = new AssemblyLoadContext("lossdsl file " + path);
        var assembly = context.LoadFromStream(image);

        var before = declared.Where(name => LossRegistry.TryGet(name, out var d) && d.GetType().Assembly != assembly).ToList();
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        var losses = LossRegistry.All.Where(d => d.GetType().Assembly == assembly).ToList();
        var shadowed = before.Where(name => losses.Any(l => l.Name == name)).ToList();
        return new CompiledLossFile(path, text, diagnostics, losses, declared, shadowed);
    }

    private static string Sanitize(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray();
        return chars.Length == 0 ? "loss" : new string(chars);
    }

    /// <summary>A .loss file as the generator sees it.</summary>
    private sealed class LossText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path.EndsWith(".loss", StringComparison.OrdinalIgnoreCase) ? path : path + ".loss";
        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
