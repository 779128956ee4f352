using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Channels;
using System.Threading.Tasks;
using LossDsl.Cli.Eval;
using LossDsl.Cli.Formulas;

namespace LossDsl.Cli;

/// <summary>
/// The command line (System.CommandLine): <c>eval</c>, <c>list</c>, <c>check</c> over the catalogue and any
/// <c>--loss-file</c>; <c>show</c> and <c>plot</c> for one formula. Exit codes: 0 ok, 1 failures (check mismatches,
/// formula errors), 2 usage errors.
/// </summary>
public static class Program
{
    public const int Ok = 0, Failure = 1, UsageError = 2;

    public static async Task<int> Main(string[] args)
    {
        var root = Build();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            if (args.Length == 0)
            {
                // No command: the overview, as before (on standard output), and the usage-error code.
                root.Parse(new[] { "--help" }).Invoke();
                return UsageError;
            }
            if (!args[0].StartsWith('-') && !root.Subcommands.Any(c => c.Name == args[0]))
                Console.Error.WriteLine($"lossdsl: unknown command '{args[0]}' (commands: {string.Join(", ", root.Subcommands.Select(c => c.Name))})");
            else
                foreach (var error in parsed.Errors) Console.Error.WriteLine("lossdsl: " + error.Message);
            string command = parsed.CommandResult.Command is RootCommand ? "" : parsed.CommandResult.Command.Name + " ";
            Console.Error.WriteLine($"see: lossdsl {command}--help");
            return UsageError;
        }
        return await parsed.InvokeAsync();
    }

    /// <summary>Every command with its arguments, options and help text.</summary>
    public static RootCommand Build()
    {
        var lossFiles = new Option<string[]>("--loss-file")
        {
            Description = "Compile this .loss file in process (repeatable) and answer for its losses too; a loss named like a catalogue loss replaces it",
            HelpName = "FILE.loss",
        };

        var evalFile = new Argument<string?>("FILE") { Description = "Cases (JSON Lines), or - for standard input (the default)", Arity = ArgumentArity.ZeroOrOne };
        var eval = new Command("eval", "Read conformance cases (JSON Lines, shared conformance.md) and write one answer line per case") { evalFile, lossFiles };
        eval.SetAction(async (result, _) =>
        {
            var files = LoadLosses(result.GetValue(lossFiles), Console.Error, out var lookup);
            var evaluator = new Evaluator(lookup);
            string? file = result.GetValue(evalFile);
            int status;
            if (file is not null && file != "-")
            {
                if (!File.Exists(file)) return Fail($"no such file: {file}");
                await using var stream = File.OpenRead(file);
                status = await EvalCommand.RunAsync(stream, Console.OpenStandardOutput(), evaluator);
            }
            else status = await EvalCommand.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput(), evaluator);
            return files.Any(f => f.Failed) ? Failure : status;
        });

        var json = new Option<bool>("--json") { Description = "As a JSON array" };
        var list = new Command("list", "The losses: kind (elementwise, row, whole), inputs (* = differentiable, = v optional) and options") { json, lossFiles };
        list.SetAction(result =>
        {
            var files = LoadLosses(result.GetValue(lossFiles), Console.Error, out _);
            Console.Out.Write(ListCommand.Render(LossRegistry.All, json: result.GetValue(json)));
            return files.Any(f => f.Failed) ? Failure : Ok;
        });

        var fixtures = new Argument<string[]>("FIXTURE") { Description = "Fixture files ({\"case\": ..., \"expected\": ...} lines)", Arity = ArgumentArity.OneOrMore };
        var check = new Command("check", "Run fixture files against the kernels and report the cases that disagree (exit 1 if any)") { fixtures, lossFiles };
        check.SetAction(result =>
        {
            var files = LoadLosses(result.GetValue(lossFiles), Console.Error, out var lookup);
            int status = CheckCommand.Run(result.GetValue(fixtures)!, Console.Out, new Evaluator(lookup));
            return files.Any(f => f.Failed) ? Failure : status;
        });

        var showSource = new Argument<string>("SOURCE") { Description = "A .loss file, or the text of a declaration: 'loss name(input, target) = (input - target)^2'" };
        var code = new Option<bool>("--code") { Description = "Also print the generated C#" };
        var show = new Command("show", "A formula explained: as parsed, simplified (with the stable rewrites that fired), its derivatives and second derivatives, its diagnostics underlined") { showSource, code };
        show.SetAction(result =>
        {
            var source = ShowCommand.Source(result.GetValue(showSource)!, Console.Error);
            if (source is not { } s) return UsageError;
            int status = ShowCommand.Run(s.Path, s.Text, result.GetValue(code), Console.Out);
            if (status != Ok && !File.Exists(s.Path) && s.Path != "<formula>")
                Console.Error.WriteLine($"lossdsl: note: this is the catalogue's declaration of {Path.GetFileNameWithoutExtension(s.Path)} alone; "
                    + "the functions it calls are declared beside it in the repository's definitions/ (show that file instead)");
            return status;
        });

        var plotSource = new Argument<string>("SOURCE") { Description = "A .loss file, a catalogue loss name, or the text of a declaration" };
        var lossName = new Option<string?>("--loss") { Description = "Which loss of the file (default: its first)", HelpName = "NAME" };
        var range = new Option<string>("--range") { Description = "The swept interval", HelpName = "a,b", DefaultValueFactory = _ => "-3,3" };
        var options = new Option<string[]>("--option") { Description = "An option's value (repeatable): delta=0.5, log_input=false", HelpName = "k=v" };
        var at = new Option<string[]>("--at") { Description = "Hold an input at a value, or a row of values for a row loss (repeatable): target=1, input=0,1,2", HelpName = "name=v[,v...]" };
        var classes = new Option<int>("--classes") { Description = "Row losses: the row length", DefaultValueFactory = _ => 3 };
        var logit = new Option<int>("--logit") { Description = "Row losses: the column that is swept", DefaultValueFactory = _ => 0 };
        var points = new Option<int>("--points") { Description = "Samples over the range", DefaultValueFactory = _ => 401 };
        var output = new Option<string>("--out") { Description = "The picture: FILE.svg or FILE.png", HelpName = "FILE", Required = true };
        var plot = new Command("plot", "Draw a loss, its gradient and its second derivative against its input (elementwise: input - target with target 0; row: one logit)")
            { plotSource, lossName, range, options, at, classes, logit, points, output };
        plot.SetAction(result =>
        {
            try
            {
                string target = result.GetValue(output)!;
                if (Path.GetExtension(target).ToLowerInvariant() is not (".svg" or ".png")) return Fail($"--out must end in .svg or .png: {target}");
                var (from, to) = PlotCommand.ParseRange(result.GetValue(range)!);
                var optionValues = PlotCommand.ParsePairs(result.GetValue(options) ?? Array.Empty<string>(), "--option", many: false).ToDictionary(p => p.Key, p => p.Value[0]);
                var held = PlotCommand.ParsePairs(result.GetValue(at) ?? Array.Empty<string>(), "--at", many: true);
                var loss = ResolveLoss(result.GetValue(plotSource)!, result.GetValue(lossName), Console.Error, out int status);
                if (loss is null) return status;
                var curve = CurveSampler.Sample(loss, from, to, result.GetValue(points), optionValues, held, result.GetValue(classes), result.GetValue(logit));
                PlotCommand.Render(curve, target);
                Console.Error.WriteLine($"lossdsl: wrote {target}: {curve.Title} against {curve.XLabel}, {from} .. {to}");
                return Ok;
            }
            catch (ArgumentException e)
            {
                return Fail(e.Message);
            }
        });

        return new RootCommand("lossdsl: evaluate, check, explain and plot LossDsl losses") { eval, list, check, show, plot };
    }

    /// <summary>
    /// The catalogue, then each <c>--loss-file</c> compiled in process (diagnostics, underlined, on <paramref name="error"/>).
    /// <paramref name="lookup"/> finds the registered losses; a name declared by a file that did not compile answers
    /// with that file's first error instead (even when the catalogue has the name: the file was meant).
    /// </summary>
    public static IReadOnlyList<CompiledLossFile> LoadLosses(string[]? lossFiles, TextWriter error, out Evaluator.LossLookup lookup)
    {
        if (!RegisteredLosses.EnsureLoaded(out string? problem))
            error.WriteLine("lossdsl: warning: " + problem);
        var files = new List<CompiledLossFile>();
        var failed = new Dictionary<string, string>(StringComparer.Ordinal);
        var brokenFiles = new List<string>();
        foreach (string path in lossFiles ?? Array.Empty<string>())
        {
            var file = LossFileCompiler.CompileFile(path);
            files.Add(file);
            foreach (var diagnostic in file.Diagnostics) error.WriteLine(DiagnosticPrinter.Render(diagnostic, path, file.Text));
            if (file.Failed)
            {
                if (file.DeclaredNames.Count == 0) brokenFiles.Add($"{path} did not compile: {file.FirstError}");
                foreach (string name in file.DeclaredNames) failed[name] = $"loss '{name}' is declared in {path}, which did not compile: {file.FirstError}";
                error.WriteLine($"lossdsl: {path}: not compiled; cases for {(file.DeclaredNames.Count == 0 ? "its losses" : string.Join(", ", file.DeclaredNames))} get an error answer");
                continue;
            }
            foreach (var loss in file.Losses) failed.Remove(loss.Name);
            foreach (string name in file.Shadowed)
                error.WriteLine($"lossdsl: note: {path} declares '{name}', which replaces the catalogue's '{name}'");
        }
        lookup = (string name, out ILossDefinition definition) =>
        {
            if (failed.TryGetValue(name, out string? why)) throw new EvalException(why);
            if (LossRegistry.TryGet(name, out definition)) return true;
            if (brokenFiles.Count > 0) throw new EvalException($"unknown loss '{name}' (note: {string.Join("; ", brokenFiles)})");
            return false;
        };
        return files;
    }

    /// <summary>The loss to plot: from a file, a catalogue name, or a declaration's text; null (and an exit status) if none.</summary>
    private static ILossDefinition? ResolveLoss(string source, string? name, TextWriter error, out int status)
    {
        status = Ok;
        IReadOnlyList<ILossDefinition> candidates;
        if (File.Exists(source) || source.EndsWith(".loss", StringComparison.OrdinalIgnoreCase) && !source.Contains('='))
        {
            var file = LossFileCompiler.CompileFile(source);
            foreach (var diagnostic in file.Diagnostics) error.WriteLine(DiagnosticPrinter.Render(diagnostic, source, file.Text));
            if (file.Failed) { status = Failure; return null; }
            candidates = InDeclarationOrder(file);
        }
        else if (!source.Contains('=') && RegisteredLosses.EnsureLoaded() && LossRegistry.TryGet(source, out var catalogued))
            candidates = new[] { catalogued };
        else
        {
            var file = LossFileCompiler.Compile("<formula>", source);
            foreach (var diagnostic in file.Diagnostics) error.WriteLine(DiagnosticPrinter.Render(diagnostic, "<formula>", file.Text));
            if (file.Failed) { status = Failure; return null; }
            candidates = InDeclarationOrder(file);
        }
        var ordered = candidates.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
        var chosen = name is null ? candidates.FirstOrDefault() : candidates.FirstOrDefault(d => d.Name == name);
        if (chosen is null)
        {
            error.WriteLine(name is null ? $"lossdsl: {source} declares no loss"
                : $"lossdsl: no loss '{name}' in {source} (it has: {string.Join(", ", ordered.Select(d => d.Name))})");
            status = name is null ? Failure : UsageError;
        }
        return chosen;
    }

    private static IReadOnlyList<ILossDefinition> InDeclarationOrder(CompiledLossFile file) =>
        file.Losses.OrderBy(d => file.DeclaredNames.ToList().IndexOf(d.Name) is var i && i >= 0 ? i : int.MaxValue).ToList();

    private static int Fail(string message)
    {
        Console.Error.WriteLine("lossdsl: " + message);
        return UsageError;
    }
}

/// <summary>The <c>eval</c> loop: one answer per non-blank line, in order, flushed whenever no more input is waiting.</summary>
public static class EvalCommand
{
    public static async Task<int> RunAsync(Stream input, Stream output, Evaluator evaluator)
    {
        var lines = Channel.CreateBounded<string>(new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true });
        // Reading runs beside evaluation so that the output is flushed exactly when the input has run dry for now:
        // a batch streams through at full speed, an interactive caller gets each answer at once.
        var reading = Task.Run(async () =>
        {
            try
            {
                using var reader = new StreamReader(input, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
                while (await reader.ReadLineAsync() is { } line)
                    if (!string.IsNullOrWhiteSpace(line))
                        await lines.Writer.WriteAsync(line);
                lines.Writer.Complete();
            }
            catch (Exception e)
            {
                lines.Writer.Complete(e);
            }
        });

        using var writer = new AnswerWriter(output);
        while (await lines.Reader.WaitToReadAsync())
        {
            while (lines.Reader.TryRead(out string? line))
                writer.Write(evaluator.EvaluateLine(line));
            writer.Flush();
        }
        await reading;
        writer.Flush();
        return 0;
    }
}

/// <summary>The <c>list</c> output.</summary>
public static class ListCommand
{
    public static string Render(System.Collections.Generic.IReadOnlyList<ILossDefinition> losses, bool json)
    {
        var text = new StringBuilder();
        if (json)
        {
            using var stream = new MemoryStream();
            using (var w = new System.Text.Json.Utf8JsonWriter(stream, new System.Text.Json.JsonWriterOptions { Indented = true }))
            {
                w.WriteStartArray();
                foreach (var d in losses)
                {
                    w.WriteStartObject();
                    w.WriteString("name", d.Name);
                    w.WriteString("kind", d.Kind.ToString().ToLowerInvariant());
                    w.WriteStartArray("inputs");
                    foreach (var i in d.Inputs)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", i.Name);
                        w.WriteBoolean("differentiable", i.Differentiable);
                        if (i.Default is { } def) w.WriteNumber("default", def);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteStartArray("options");
                    foreach (var o in d.Options)
                    {
                        w.WriteStartObject();
                        w.WriteString("name", o.Name);
                        if (o.IsBoolean) w.WriteBoolean("default", o.Default != 0);
                        else w.WriteNumber("default", o.Default);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
        }
        if (losses.Count == 0) return "no losses are registered\n";
        int width = losses.Max(d => d.Name.Length);
        foreach (var d in losses)
        {
            string inputs = string.Join(", ", d.Inputs.Select(i => i.Name + (i.Differentiable ? "*" : "") + (i.Default is { } v ? " = " + Number(v) : "")));
            string options = string.Join(", ", d.Options.Select(o => $"{o.Name} = {(o.IsBoolean ? (o.Default != 0 ? "true" : "false") : Number(o.Default))}"));
            text.Append(d.Name.PadRight(width)).Append("  ").Append(d.Kind.ToString().ToLowerInvariant().PadRight(11))
                .Append(" inputs: ").Append(inputs);
            if (options.Length > 0) text.Append("; options: ").Append(options);
            text.Append('\n');
        }
        return text.ToString();
    }

    private static string Number(double d) => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The <c>check</c> command: fixture files against the registered losses.</summary>
public static class CheckCommand
{
    public static int Run(string[] files, TextWriter output) => Run(files, output, new Evaluator());

    public static int Run(string[] files, TextWriter output, Evaluator evaluator)
    {
        int passed = 0, failed = 0;
        foreach (string file in files)
        {
            if (!File.Exists(file))
            {
                output.WriteLine($"{file}: no such file");
                failed++;
                continue;
            }
            int filePassed = 0, fileFailed = 0;
            foreach (var result in Fixtures.Run(evaluator, file))
            {
                if (result.Passed) { filePassed++; continue; }
                fileFailed++;
                output.WriteLine($"{Path.GetFileName(file)}: {result}");
            }
            output.WriteLine($"{Path.GetFileName(file)}: {filePassed} passed, {fileFailed} failed");
            passed += filePassed;
            failed += fileFailed;
        }
        output.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }
}
