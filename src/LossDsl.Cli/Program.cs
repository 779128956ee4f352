using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Channels;
using System.Threading.Tasks;
using LossDsl.Cli.Eval;

namespace LossDsl.Cli;

/// <summary>
/// <c>lossdsl eval [FILE]</c>: answers conformance cases (JSON Lines, stdin by default) on stdout, one line per case.
/// <c>lossdsl list [--json]</c>: the registered losses with their inputs and options.
/// <c>lossdsl check FIXTURE...</c>: runs fixture files and reports the cases that disagree with the reference.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: lossdsl <command>

          eval [FILE]         read cases (JSON Lines) from FILE or standard input and write one answer line
                              per case to standard output (see shared conformance.md for the format)
          list [--json]       the losses, with their kind, inputs (* = differentiable) and options
          check FIXTURE...    run fixture files ({"case": ..., "expected": ...} lines) and report mismatches
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        switch (args[0])
        {
            case "eval":
                if (args.Length > 2) return Fail("eval takes at most one file");
                LoadLosses();
                if (args.Length == 2 && args[1] != "-")
                {
                    if (!File.Exists(args[1])) return Fail($"no such file: {args[1]}");
                    await using var file = File.OpenRead(args[1]);
                    return await EvalCommand.RunAsync(file, Console.OpenStandardOutput(), new Evaluator());
                }
                return await EvalCommand.RunAsync(Console.OpenStandardInput(), Console.OpenStandardOutput(), new Evaluator());
            case "list":
                LoadLosses();
                Console.Out.Write(ListCommand.Render(LossRegistry.All, json: args.Contains("--json")));
                return 0;
            case "check":
                if (args.Length < 2) return Fail("check needs fixture files");
                LoadLosses();
                return CheckCommand.Run(args[1..], Console.Out);
            default:
                return Fail($"unknown command '{args[0]}'\n{Usage}");
        }
    }

    private static void LoadLosses()
    {
        if (!RegisteredLosses.EnsureLoaded(out string? problem))
            Console.Error.WriteLine("lossdsl: warning: " + problem);
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine("lossdsl: " + message);
        return 2;
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
    public static int Run(string[] files, TextWriter output)
    {
        var evaluator = new Evaluator();
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
