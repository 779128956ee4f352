using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Model;
using LossDsl.Generator.Semantics;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Emit;

/// <summary>What one kernel struct computes.</summary>
/// <param name="Name">The struct's name.</param>
/// <param name="Summary">Its doc comment (the formulas it implements).</param>
/// <param name="Value">The per-element value it returns, or null (it returns zero: a gradient-only kernel).</param>
/// <param name="Gradients">Per input index: the gradient expression it writes (only non-const inputs).</param>
/// <param name="Weighted">Multiplies value and gradients by the optional per-element weight.</param>
/// <param name="Upstream">Multiplies gradients by a scale and an optional per-element upstream gradient.</param>
/// <param name="Coefficients">The number of per-row coefficient fields (C0, C1, ...) that <see cref="CoefficientRef"/>s read.</param>
/// <param name="Aggregates">The number of per-row aggregate value fields (A0, A1, ...) that <see cref="AggregateRef"/>s read.</param>
internal sealed record KernelSpec(string Name, string Summary, Expr? Value, IReadOnlyList<(int Input, Expr Gradient)> Gradients, bool Weighted, bool Upstream, int Aggregates, int Coefficients)
{
    /// <summary>
    /// Per input index: the second derivative it writes, through the kernel's Hessian policy and scaled like the gradient
    /// (elementwise GradientHessian only; empty elsewhere).
    /// </summary>
    public IReadOnlyList<(int Input, Expr Hessian)> Hessians { get; init; } = new (int, Expr)[0];
}

/// <summary>
/// Emits a kernel as a <c>ref struct</c> implementing <c>IElementKernel&lt;T&gt;</c>: fields for its spans and options,
/// and the same body at four widths (scalar, Vector128, Vector256, Vector512). The loops live in the runtime.
/// </summary>
internal static class KernelEmitter
{
    public static void Emit(SourceWriter w, LossModel model, KernelSpec spec)
    {
        var loss = model.Loss;
        w.Comment("/// ", "<summary>\n" + spec.Summary + "\n</summary>");
        w.Open($"private ref struct {spec.Name}<T> : IElementKernel<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>");
        foreach (var input in SpanInputs(loss))
        {
            w.Line($"private readonly ReadOnlySpan<T> {Names.Field(input.Name)};");
            if (input.Default is not null) w.Line($"private readonly bool {HasField(input.Name)};");
        }
        if (loss.Shape != LossShape.Elementwise)
        {
            w.Line("/// <summary>Where the current row starts.</summary>").Line("public int RowStart;");
            foreach (var input in loss.Inputs.Where(i => i.Kind is InputKind.Index or InputKind.Row))
                w.Line($"/// <summary>The current row's {input.Name}.</summary>").Line($"public T {RowField(input.Name)};");
            if (NumbersRows(loss)) w.Line("/// <summary>The current row's number.</summary>").Line("public T CurrentRow;");
        }
        foreach (var option in loss.Options)
            w.Line($"private readonly {(option.IsBoolean ? "bool" : "T")} {Names.Field(option.Name)};");
        if (spec.Weighted) w.Line("private readonly ReadOnlySpan<T> _weight;").Line("private readonly bool _hasWeight;");
        if (spec.Upstream) w.Line("private readonly ReadOnlySpan<T> _gradOutput;").Line("private readonly bool _hasGradOutput;").Line("private readonly T _scale;");
        foreach (var (k, _) in spec.Gradients)
            w.Line($"private readonly Span<T> {GradField(loss.Inputs[k].Name)};").Line($"private readonly bool {WantField(loss.Inputs[k].Name)};");
        foreach (var (k, _) in spec.Hessians)
            w.Line($"private readonly Span<T> {HessField(loss.Inputs[k].Name)};").Line($"private readonly bool {WantHessField(loss.Inputs[k].Name)};");
        if (spec.Hessians.Count > 0) w.Line("private readonly HessianTransform<T> _hessianPolicy;");
        PreconditionEmitter.Fields(w, loss);
        for (int j = 0; j < spec.Aggregates; j++)
            w.Line($"/// <summary>A{j} of the current row.</summary>").Line($"public T A{j};");
        for (int j = 0; j < spec.Coefficients; j++)
            w.Line($"/// <summary>dL/dA{j} for the current row, times its upstream gradient (and 1/rowLength for a mean, 1/ties for a max).</summary>").Line($"public T C{j};");
        w.Line();

        var parameters = new List<string>();
        parameters.AddRange(SpanInputs(loss).Select(i => $"ReadOnlySpan<T> {Names.Parameter(i.Name)}"));
        parameters.AddRange(loss.Options.Select(o => $"{(o.IsBoolean ? "bool" : "T")} {Names.Parameter(o.Name)}"));
        if (spec.Weighted) parameters.Add("ReadOnlySpan<T> weight");
        if (spec.Upstream) { parameters.Add("ReadOnlySpan<T> gradOutput"); parameters.Add("T scale"); }
        parameters.AddRange(spec.Gradients.Select(g => $"Span<T> {Names.Parameter(loss.Inputs[g.Input].Name + "_grad")}"));
        parameters.AddRange(spec.Hessians.Select(h => $"Span<T> {Names.Parameter(loss.Inputs[h.Input].Name + "_hess")}"));
        if (spec.Hessians.Count > 0) parameters.Add("HessianPolicy hessianPolicy");
        parameters.AddRange(PreconditionEmitter.Parameters(loss));
        w.Open($"public {spec.Name}({string.Join(", ", parameters)})");
        foreach (var input in SpanInputs(loss))
        {
            w.Line($"{Names.Field(input.Name)} = {Names.Parameter(input.Name)};");
            if (input.Default is not null) w.Line($"{HasField(input.Name)} = !{Names.Parameter(input.Name)}.IsEmpty;");
        }
        foreach (var option in loss.Options) w.Line($"{Names.Field(option.Name)} = {Names.Parameter(option.Name)};");
        if (spec.Weighted) w.Line("_weight = weight;").Line("_hasWeight = !weight.IsEmpty;");
        if (spec.Upstream) w.Line("_gradOutput = gradOutput;").Line("_hasGradOutput = !gradOutput.IsEmpty;").Line("_scale = scale;");
        foreach (var (k, _) in spec.Gradients)
        {
            var name = loss.Inputs[k].Name;
            w.Line($"{GradField(name)} = {Names.Parameter(name + "_grad")};").Line($"{WantField(name)} = !{Names.Parameter(name + "_grad")}.IsEmpty;");
        }
        foreach (var (k, _) in spec.Hessians)
        {
            var name = loss.Inputs[k].Name;
            w.Line($"{HessField(name)} = {Names.Parameter(name + "_hess")};").Line($"{WantHessField(name)} = !{Names.Parameter(name + "_hess")}.IsEmpty;");
        }
        if (spec.Hessians.Count > 0) w.Line("_hessianPolicy = new HessianTransform<T>(hessianPolicy);");
        PreconditionEmitter.Assignments(w, loss);
        if (loss.Shape != LossShape.Elementwise)
        {
            w.Line("RowStart = 0;");
            foreach (var input in loss.Inputs.Where(i => i.Kind is InputKind.Index or InputKind.Row)) w.Line($"{RowField(input.Name)} = T.Zero;");
            if (NumbersRows(loss)) w.Line("CurrentRow = T.Zero;");
        }
        for (int j = 0; j < spec.Aggregates; j++) w.Line($"A{j} = T.Zero;");
        for (int j = 0; j < spec.Coefficients; j++) w.Line($"C{j} = T.Zero;");
        w.Close();

        foreach (var width in Width.All)
        {
            w.Line();
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Open($"public {width.Type} Invoke{width.Suffix}(int i)");
            Body(w, model, spec, width);
            w.Close();
        }
        w.Close();
    }

    private static string HasField(string name) => "_has" + Names.Pascal(name);

    /// <summary>The inputs a kernel reads from spans: element inputs (at i) and class inputs (at i's column).</summary>
    public static IEnumerable<InputModel> SpanInputs(BoundLoss loss) => loss.Inputs.Where(i => i.Kind is InputKind.Element or InputKind.Class);

    /// <summary>The field holding the current row's value of a row or index input.</summary>
    public static string RowField(string name) => "Current" + Names.Pascal(name);

    /// <summary>Whether a row loss reads its row's number (<c>row</c>): its kernels then have a CurrentRow field.</summary>
    public static bool NumbersRows(BoundLoss loss) =>
        loss.Shape == LossShape.Row && loss.Aggregates.Select(a => a.Body).Append(loss.Body).Append(loss.MeanBy).Append(loss.MeanPer)
            .Any(e => e is not null && ExprWalker.Any(e, x => x is RowNumberRef));
    private static string GradField(string name) => Names.Field(name + "_grad");
    private static string WantField(string name) => "_want" + Names.Pascal(name) + "Grad";
    private static string HessField(string name) => Names.Field(name + "_hess");
    private static string WantHessField(string name) => "_want" + Names.Pascal(name) + "Hess";

    private static void Body(SourceWriter w, LossModel model, KernelSpec spec, Width width)
    {
        var loss = model.Loss;
        var roots = new List<Expr>();
        if (spec.Value is not null) roots.Add(spec.Value);
        roots.AddRange(spec.Gradients.Select(g => g.Gradient));
        roots.AddRange(spec.Hessians.Select(h => h.Hessian));
        var conditions = PreconditionEmitter.Violations(loss); // require clauses on element values: checked in this pass
        roots.AddRange(conditions);

        var leaves = new HashSet<Expr>();
        foreach (var root in roots) ExprWalker.Any(root, e => { if (e is InputRef or OptionRef or AggregateRef or CoefficientRef or ClassRef or IndexRef or RowRef or RowNumberRef or ColumnRef or CachedSummand) leaves.Add(e); return false; });

        var used = new HashSet<string> { "i" };
        var locals = new Dictionary<Expr, string>();
        // One local per leaf the expressions read: a load, or a per-row or per-call scalar spread over the lanes.
        foreach (var leaf in leaves.OrderBy(Order))
        {
            (string Name, string Value)? local = leaf switch
            {
                InputRef r => (Names.Parameter(loss.Inputs[r.Index].Name), Load(loss.Inputs[r.Index], width.Load(Names.Field(loss.Inputs[r.Index].Name)), width)),
                ClassRef c => (Names.Parameter(loss.Inputs[c.Input].Name), Load(loss.Inputs[c.Input], width.LoadAt(Names.Field(loss.Inputs[c.Input].Name), "i - RowStart"), width)),
                OptionRef { IsBoolean: false } o => (Names.Parameter(o.Name), width.Splat(Names.Field(o.Name))),
                AggregateRef a => ("a" + a.Index, width.Splat("A" + a.Index)),
                CoefficientRef c => ("c" + c.Index, width.Splat("C" + c.Index)),
                IndexRef x => (Names.Parameter(x.Name), width.Splat(RowField(x.Name))),
                RowRef x => (Names.Parameter(x.Name), width.Splat(RowField(x.Name))),
                RowNumberRef => ("row", width.Splat("CurrentRow")),
                ColumnRef => ("column", width.Column),
                // the summand the aggregate's pass left in the gradient span, read before this element's gradient is stored
                CachedSummand s => ("summand" + s.Aggregate, width.Load(GradField(loss.Inputs[s.Input].Name))),
                _ => null,
            };
            if (local is not { } l) continue;
            var name = Unique(used, l.Name);
            w.Line($"var {name} = {l.Value};");
            locals[leaf] = name;
        }

        var letNames = loss.Names.GroupBy(n => n.Expression).ToDictionary(g => g.Key, g => g.First().Name);
        var emitter = new ExpressionEmitter(width, e => locals.TryGetValue(e, out var n) ? n : null,
            e => e switch
            {
                OptionRef o => Names.Field(o.Name), AggregateRef a => "A" + a.Index, CoefficientRef c => "C" + c.Index,
                IndexRef x => RowField(x.Name), RowRef x => RowField(x.Name), RowNumberRef => "CurrentRow", _ => null,
            },
            letNames, used);
        var texts = emitter.Emit(w, roots);
        int next = 0;
        string? value = null;
        if (spec.Value is not null)
        {
            value = Unique(used, "loss");
            w.Line($"var {value} = {texts[next++]};");
        }
        string? weight = null;
        if (spec.Weighted)
        {
            weight = Unique(used, "w");
            w.Line($"var {weight} = _hasWeight ? {width.Load("_weight")} : {width.One};");
        }
        if (spec.Gradients.Count > 0)
        {
            string? upstream = null;
            if (spec.Upstream)
            {
                upstream = Unique(used, "g");
                var scale = width.Splat("_scale");
                var g = $"(_hasGradOutput ? {width.Load("_gradOutput")} * {scale} : {scale})";
                w.Line($"var {upstream} = {g}{(weight is null ? "" : " * " + weight)};");
            }
            foreach (var (k, gradient) in spec.Gradients)
            {
                var name = loss.Inputs[k].Name;
                var text = texts[next++];
                var product = upstream is null ? text : $"{upstream} * ({text})";
                w.Line($"if ({WantField(name)}) {width.Store(product, GradField(name))}");
            }
            foreach (var (k, _) in spec.Hessians)
            {
                var name = loss.Inputs[k].Name;
                var text = $"_hessianPolicy.Apply({texts[next++]})";
                var product = upstream is null ? text : $"{upstream} * {text}";
                w.Line($"if ({WantHessField(name)}) {width.Store(product, HessField(name))}");
            }
        }
        PreconditionEmitter.Checks(w, width, texts.Skip(texts.Count - conditions.Count).ToList());
        w.Line(value is null ? $"return {width.Zero};" : weight is null ? $"return {value};" : $"return {value} * {weight};");
    }

    /// <summary>A span input's value: loaded, or its default where an optional input was left out.</summary>
    private static string Load(InputModel input, string load, Width width) => input.Default is { } d
        ? $"{HasField(input.Name)} ? {load} : {width.Splat($"T.CreateTruncating({Names.Double(d)})")}"
        : load;

    private static int Order(Expr e) => e switch
    {
        InputRef r => r.Index,
        OptionRef o => 1000 + o.Index,
        AggregateRef a => 2000 + a.Index,
        CoefficientRef c => 3000 + c.Index,
        ClassRef c => c.Input,
        IndexRef x => 500 + x.Input,
        RowRef x => 500 + x.Input,
        RowNumberRef => 998,
        ColumnRef => 999,
        _ => 4000,
    };

    private static string Unique(HashSet<string> used, string name)
    {
        var candidate = name;
        for (int k = 2; !used.Add(candidate); k++) candidate = name + k;
        return candidate;
    }
}
