using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Model;
using LossDsl.Generator.Plan;
using LossDsl.Generator.Semantics;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Emit;

/// <summary>
/// The parallel path. Above <c>LossParallel.Threshold</c> elements, <c>Run</c> hands the call to <c>RunChunked</c>,
/// which pins the spans and lets <c>LossParallel.Run</c> cut the work into fixed chunks that run on up to
/// <c>LossParallel.MaxThreads</c> threads. A chunk is a call of the serial code on the chunk's slices: for an
/// elementwise loss, <c>Run</c> itself on a range of elements, reduced by sum (the mean's 1/n folded into the upstream
/// gradient); for a row loss, <c>RunRows</c> on a range of rows, with the mean's divisor <c>Run</c> computed over all
/// the rows. The chunks' partial sums are added in chunk order, so the result's bits depend only on the sizes, never
/// on the number of threads. Pinning needs unsafe code: emitted only when the compilation allows it. A whole loss (one
/// scalar over everything) has no parallel path.
/// </summary>
internal static class ChunkEmitter
{
    public static bool Applies(LossModel model, bool allowUnsafe) => allowUnsafe && model.Loss.Shape != LossShape.Whole;

    /// <summary>The line in Run (or <paramref name="forward"/>: RunForward, which passes no gradient) that takes the
    /// parallel path (row losses pass the divisor too).</summary>
    public static void Dispatch(SourceWriter w, LossModel model, bool forward = false)
    {
        var plan = RunPlan.Of(model.Loss);
        bool rows = model.Loss.Shape == LossShape.Row;
        var rowArguments = NamedArguments.Join((rows ? plan.Rows : plan.Run).Select(p => (p, !forward ? p.Name : p.Role switch
        {
            ParameterRole.Gradients => "false",
            ParameterRole.GradOutput => "T.One",
            ParameterRole.GradOutputs or ParameterRole.Gradient => "default",
            _ => p.Name,
        })));
        w.Line("// Millions of elements: fixed chunks on up to LossParallel.MaxThreads threads, the same bits whatever their number.");
        w.Line(!rows
            ? $"if (LossParallel.ShouldSplit(n)) return RunChunked<T>({rowArguments});"
            : HeavyRows(model)
            ? $"if (LossParallel.ShouldSplitRows(rows)) return RunChunked<T>({rowArguments}); // a row function: every row is a dynamic program"
            : $"if (rows > 1 && LossParallel.ShouldSplit(n)) return RunChunked<T>({rowArguments});");
    }

    /// <summary>A row loss with a row function (a C# method over the whole row, CTC's dynamic program): its rows are
    /// expensive whatever their length, so it splits from two rows on, one row per chunk.</summary>
    private static bool HeavyRows(LossModel model) => model.Loss.Aggregates.Any(a => a.Call is not null);

    /// <summary>How a span parameter is cut: per element, per row, per row's label list, or whole (class inputs).</summary>
    private enum Unit { Element, Row, Labels, Whole }

    private sealed record Span(RunParameter Parameter, string Element, Unit Unit)
    {
        public string Name => Parameter.Name;
    }

    public static void Emit(SourceWriter w, LossModel model)
    {
        var loss = model.Loss;
        bool rows = loss.Shape == LossShape.Row;
        var plan = RunPlan.Of(loss);
        var parameters = rows ? plan.Rows : plan.Run;
        var spans = parameters.Where(p => p.IsSpan).Select(p => new Span(p, p.Type == ParameterType.Indices ? "int" : "T",
            !rows ? Unit.Element
            : p.Role == ParameterRole.Input ? loss.Inputs[p.Index].Kind switch
            {
                InputKind.Element => Unit.Element,
                InputKind.Class => Unit.Whole,
                InputKind.Labels => Unit.Labels,
                _ => Unit.Row,
            }
            : p.Role is ParameterRole.Output or ParameterRole.GradOutputs ? Unit.Row : Unit.Element)).ToList();
        var values = parameters.Where(p => !p.IsSpan).ToList();
        var first = Names.Parameter(loss.Inputs.First(i => i.IsElement).Name);

        w.Line();
        w.Line("/// <summary>The parallel path (see <see cref=\"LossParallel\"/>): the spans pinned, every chunk a call of the serial code on its slices.</summary>");
        w.Open($"private static unsafe T RunChunked<T>({string.Join(", ", parameters.Select(p => p.TypeText() + " " + p.Name))}) where T : unmanaged, IBinaryFloatingPointIeee754<T>");
        w.Line($"int n = {first}.Length;");
        if (rows) w.Line("int rows = n / rowLength;");
        int depth = 0;
        foreach (var group in spans.GroupBy(s => s.Element))
        {
            w.Open($"fixed ({group.Key}* {string.Join(", ", group.Select(s => Pointer(s.Name) + " = " + s.Name))})");
            depth++;
        }
        w.Open("var chunks = new Chunks<T>");
        foreach (var s in spans)
        {
            w.Line($"{Field(s.Name)} = {Pointer(s.Name)},");
            if (s.Unit is Unit.Labels or Unit.Whole) w.Line($"{Field(s.Name)}Length = {s.Name}.Length,");
        }
        foreach (var p in values)
            w.Line(!rows && p.Role == ParameterRole.Reduction ? "_reduction = reduction == Reduction.None ? Reduction.None : Reduction.Sum,"
                : !rows && p.Role == ParameterRole.GradOutput ? "_gradOutput = reduction == Reduction.Mean ? gradOutput / T.CreateTruncating(n) : gradOutput,"
                : $"{Field(p.Name)} = {p.Name},");
        if (rows) w.Line("_rows = rows,");
        w.Close(";");
        if (rows)
        {
            w.Line("// Each chunk is whole rows; RunRows divides by the common divisor, so the partials add up to the mean.");
            w.Line($"return LossParallel.Run<Chunks<T>, T>(ref chunks, rows, {(HeavyRows(model) ? "1" : "LossParallel.RowsPerChunk(rowLength)")});");
        }
        else
        {
            w.Line("// Each chunk sums (or, for None, writes per element); the mean's 1/n is folded into the upstream gradient above.");
            w.Line("T total = LossParallel.Run<Chunks<T>, T>(ref chunks, n);");
            w.Line("return reduction == Reduction.Mean ? total / T.CreateTruncating(n) : total;");
        }
        for (int k = 0; k < depth; k++) w.Close();
        w.Close();

        w.Line();
        w.Line($"/// <summary>One call's pinned arguments; a chunk [start, end) of {(rows ? "rows" : "elements")} runs on their slices (an empty span stays empty).</summary>");
        w.Open("private unsafe struct Chunks<T> : IChunkedKernel<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>");
        foreach (var s in spans)
        {
            w.Line($"public {s.Element}* {Field(s.Name)};");
            if (s.Unit is Unit.Labels or Unit.Whole) w.Line($"public int {Field(s.Name)}Length;");
        }
        foreach (var p in values) w.Line($"public {p.TypeText()} {Field(p.Name)};");
        if (rows) w.Line("public int _rows;");
        w.Line();
        w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        w.Line("private static ReadOnlySpan<TE> In<TE>(TE* p, int start, int length) where TE : unmanaged => p == null ? default : new ReadOnlySpan<TE>(p + start, length);");
        w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        w.Line("private static Span<TE> Out<TE>(TE* p, int start, int length) where TE : unmanaged => p == null ? default : new Span<TE>(p + start, length);");
        w.Line();
        w.Open("public T Run(int start, int end)");
        w.Line("int m = end - start;");
        var args = parameters.Select(p => (p, Argument(p)));
        w.Line($"return {LossEmitter.ImplementationClass(model)}.{(rows ? "RunRows" : "Run")}<T>({NamedArguments.Join(args)});");
        w.Close();
        w.Close();

        // A chunk's argument: its slice of a span, or the call's value (the first row's number counting from the call's first).
        string Argument(RunParameter p)
        {
            if (p.Role == ParameterRole.FirstRow) return "_firstRow + start";
            var s = spans.FirstOrDefault(x => x.Parameter == p);
            if (s is null) return Field(p.Name);
            var f = Field(s.Name);
            string range = s.Unit switch
            {
                Unit.Element when rows => "start * _rowLength, m * _rowLength",
                Unit.Labels => $"start * ({f}Length / _rows), m * ({f}Length / _rows)",
                Unit.Whole => $"0, {f}Length",
                _ => "start, m",
            };
            return $"{(p.Type == ParameterType.Outputs ? "Out" : "In")}({f}, {range})";
        }
    }

    /// <summary>
    /// The field of a Run parameter: '_' and its identifier (no identifier of the implementation starts with '_', so
    /// fields never clash with In, Out, Run or a local).
    /// </summary>
    private static string Field(string parameter) => "_" + parameter.TrimStart('@');

    /// <summary>The pinned pointer of a span parameter: <c>_p</c> and its identifier with a capital.</summary>
    private static string Pointer(string parameter)
    {
        var name = parameter.TrimStart('@');
        return "_p" + char.ToUpperInvariant(name[0]) + name.Substring(1);
    }
}
