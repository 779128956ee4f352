using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Model;
using LossDsl.Generator.Plan;
using LossDsl.Generator.Semantics;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Emit;

/// <summary>
/// Emits <c>Run&lt;T&gt;</c>, the one generic implementation behind every public method of a loss: it checks the
/// arguments (an <c>ArgumentException</c> naming the bad one), picks the kernel and the loop, and applies the reduction.
/// An elementwise loss's value alone is <c>RunForward&lt;T&gt;</c> (its Forward methods call it; Run without gradients
/// returns it), and its Hessians <c>RunHessian&lt;T&gt;</c>.
/// </summary>
internal static class RunEmitter
{
    /// <summary>The loss's declared Hessian policy as a C# expression (<c>HessianPolicy.AsDerived</c> when it declares none).</summary>
    public static string DeclaredPolicy(BoundLoss loss) => loss.Hessian switch
    {
        null or { Mode: HessianMode.Derived } => "HessianPolicy.AsDerived",
        { Mode: HessianMode.Clamp } h => $"HessianPolicy.ClampedTo({Names.Double(h.Value)})",
        { Mode: HessianMode.Constant } h => $"HessianPolicy.Constant({Names.Double(h.Value)})",
        var other => throw new Diagnostics.UnexpectedValueException("The Hessian policy emitter", other.Mode),
    };

    private const string ReductionCheck = "if (reduction is not (Reduction.None or Reduction.Mean or Reduction.Sum)) throw new ArgumentOutOfRangeException(nameof(reduction), reduction, \"Unknown reduction.\");";

    /// <summary>The start of an elementwise loss's RunForward or RunHessian: its summary and signature, then <c>n</c> and
    /// the checks of the element inputs, the weight and the reduction.</summary>
    private static void OpenElementwise(SourceWriter w, BoundLoss loss, string summary, string name, IEnumerable<RunParameter> parameters)
    {
        w.Line();
        w.Line($"/// <summary>{summary}</summary>");
        w.Open($"internal static T {name}<T>({Signature(parameters)}) where T : unmanaged, IBinaryFloatingPointIeee754<T>");
        ElementLengths(w, loss);
        w.Line("LossGuard.Optional(weight.Length, n, nameof(weight));");
        w.Line(ReductionCheck);
    }

    /// <summary><c>n</c>, the first element input's length, and the check that every other element input has it (an optional one may be empty).</summary>
    private static void ElementLengths(SourceWriter w, BoundLoss loss)
    {
        var first = loss.Inputs.First(i => i.IsElement);
        w.Line($"int n = {Names.Parameter(first.Name)}.Length;");
        foreach (var input in loss.Inputs.Where(i => i.IsElement && i != first))
        {
            var p = Names.Parameter(input.Name);
            w.Line(input.Default is null ? $"LossGuard.Length({p}.Length, n, \"{Names.PublicCamel(input.Name)}\");" : $"LossGuard.Optional({p}.Length, n, \"{Names.PublicCamel(input.Name)}\");");
        }
    }

    /// <summary>
    /// RunHessian&lt;T&gt;, behind GradientHessian: the value, the gradients and the Hessian diagonals in one pass
    /// (the HessianKernel), scaled like the gradient. Sequential: the parallel path of <see cref="ChunkEmitter"/> is
    /// Run's and RunForward's only.
    /// </summary>
    public static void EmitHessian(SourceWriter w, LossModel model)
    {
        var loss = model.Loss;
        OpenElementwise(w, loss, "The value, gradients and Hessian diagonals of the loss in one pass (GradientHessian).", "RunHessian", RunPlan.Of(loss).Hessian);
        w.Open("if (reduction == Reduction.None)");
        w.Line("LossGuard.Optional(output.Length, n, nameof(output));");
        w.Line("LossGuard.Length(gradOutputs.Length, n, \"gradOutput\");");
        w.Close();
        var gradInputs = loss.Inputs.Where(i => !i.IsConst).ToList();
        foreach (var input in gradInputs)
            foreach (var suffix in new[] { "_grad", "_hess" })
            {
                var span = Names.Parameter(input.Name + suffix);
                w.Line($"LossGuard.Optional({span}.Length, n, \"{Names.PublicCamel(input.Name + suffix)}\");");
                foreach (var other in loss.Inputs) w.Line($"LossGuard.NoOverlap({Names.Parameter(other.Name)}, {span}, \"{Names.PublicCamel(input.Name + suffix)}\");");
            }
        w.Line($"hessianPolicy = hessianPolicy.Or({DeclaredPolicy(loss)});");
        PreconditionEmitter.CheckOptions(w, loss);
        w.Line();
        var inputs = string.Join(", ", KernelEmitter.SpanInputs(loss).Select(i => Names.Parameter(i.Name)).Concat(loss.Options.Select(o => Names.Parameter(o.Name))));
        var spans = string.Concat(gradInputs.Select(i => ", " + Names.Parameter(i.Name + "_grad")).Concat(gradInputs.Select(i => ", " + Names.Parameter(i.Name + "_hess"))));
        w.Line("// The mean's 1/n and the upstream gradient scale the Hessian as they scale the gradient; for None the upstream is per element.");
        w.Line("T scale = reduction == Reduction.Mean ? gradOutput / T.CreateTruncating(n) : gradOutput;");
        // The kernel is compiled for this call's facts (weight, upstream, wanted spans): KernelFlags.Dispatch.
        PreconditionEmitter.DeclareFlags(w, loss);
        w.Line($"var kernel = new HessianKernelCall<T>({inputs}, weight, gradOutput: reduction == Reduction.None ? gradOutputs : default, scale{spans}{(gradInputs.Count > 0 ? ", hessianPolicy" : "")}{PreconditionEmitter.KernelArguments(loss)}, n, reduction, output);"); // a kernel without Hessians takes no policy
        Dispatch(w, loss, "HessianKernelCall<T>", "kernel");
        w.Close();
    }

    public static void Emit(SourceWriter w, LossModel model, bool allowUnsafe)
    {
        var loss = model.Loss;
        w.Line("// ---- implementation ----");
        var plan = RunPlan.Of(loss);
        w.Open($"internal static T Run<T>({Signature(plan.Run)}) where T : unmanaged, IBinaryFloatingPointIeee754<T>");
        if (loss.Shape == LossShape.Elementwise) w.Line($"if (!gradients) return RunForward<T>({NamedArguments.Join(plan.Forward.Select(p => (p, p.Name)))});");
        ElementLengths(w, loss);
        if (loss.Shape == LossShape.Elementwise) w.Line("LossGuard.Optional(weight.Length, n, nameof(weight));");
        if (loss.Shape != LossShape.Whole)
            w.Line(ReductionCheck);
        string count = loss.Shape switch { LossShape.Row => "rows", LossShape.Whole => "1", _ => "n" };
        if (loss.Shape == LossShape.Row) w.Line("int rows = n == 0 && rowLength > 0 ? 0 : LossGuard.Rows(rowLength, n, nameof(rowLength));");
        if (loss.Subscripted.Contains(Semantics.Binder.RowName))
            w.Line("if (rows > rowLength) throw new ArgumentException($\"A subscript by 'row' needs a row of at least one element per row: {rows} rows of {rowLength}\", \"rowLength\");");
        foreach (var input in loss.Inputs.Where(i => !i.IsElement))
        {
            var p = Names.Parameter(input.Name);
            if (input.Kind == InputKind.Labels)
            {
                // A list of labels per row, all of one width (padded).
                w.Line($"int {Names.Camel(input.Name)}Width = LossGuard.Width({p}.Length, rows, \"{Names.PublicCamel(input.Name)}\");");
                continue;
            }
            var length = input.Kind == InputKind.Class ? "rowLength" : "rows";
            w.Line(input.Default is null ? $"LossGuard.Length({p}.Length, {length}, \"{Names.PublicCamel(input.Name)}\");" : $"LossGuard.Optional({p}.Length, {length}, \"{Names.PublicCamel(input.Name)}\");");
        }
        // An elementwise Run has returned RunForward's value when no gradient is wanted: the checks below need no test.
        bool gradientsOnly = loss.Shape == LossShape.Elementwise;
        if (loss.Shape != LossShape.Whole)
        {
            w.Open("if (reduction == Reduction.None)");
            w.Line(gradientsOnly
                ? $"LossGuard.Optional(output.Length, {count}, nameof(output));"
                : $"if (gradients) LossGuard.Optional(output.Length, {count}, nameof(output)); else LossGuard.Length(output.Length, {count}, nameof(output));");
            w.Line($"{(gradientsOnly ? "" : "if (gradients) ")}LossGuard.Length(gradOutputs.Length, {count}, \"gradOutput\");");
            w.Close();
        }
        var gradInputs = loss.Inputs.Where(i => !i.IsConst).ToList();
        if (gradInputs.Count > 0)
        {
            if (!gradientsOnly) w.Open("if (gradients)");
            foreach (var input in gradInputs)
            {
                var g = Names.Parameter(input.Name + "_grad");
                w.Line($"LossGuard.Optional({g}.Length, n, \"{Names.PublicCamel(input.Name + "_grad")}\");");
                foreach (var other in loss.Inputs.Where(i => !Names.IsInteger(i.Kind))) w.Line($"LossGuard.NoOverlap({Names.Parameter(other.Name)}, {g}, \"{Names.PublicCamel(input.Name + "_grad")}\");");
            }
            if (!gradientsOnly) w.Close();
        }
        PreconditionEmitter.CheckOptions(w, loss);
        w.Line();
        var inputs = string.Join(", ", KernelEmitter.SpanInputs(loss).Select(i => Names.Parameter(i.Name)).Concat(loss.Options.Select(o => Names.Parameter(o.Name))));
        var grads = gradInputs.Select(i => Names.Parameter(i.Name + "_grad")).ToList();
        bool chunked = ChunkEmitter.Applies(model, allowUnsafe);
        if (loss.Shape == LossShape.Elementwise)
        {
            if (chunked) ChunkEmitter.Dispatch(w, model);
            Elementwise(w, loss, inputs, grads);
        }
        else Rows(w, model, inputs, grads, chunked);
        w.Close();
        if (loss.Shape == LossShape.Elementwise) EmitForward(w, model, inputs, chunked);
        if (chunked) ChunkEmitter.Emit(w, model);
        if (loss.Shape == LossShape.Elementwise) EmitHessian(w, model);
    }

    /// <summary>
    /// RunForward&lt;T&gt;, behind the Forward methods of an elementwise loss (and Run without gradients): the value kernel
    /// alone, in a method of its own with no gradient parameter, so that a forward call passes five spans fewer and runs a
    /// smaller method. mse_loss forward at 64 floats, AVX-512, ad hoc harness: 24 -> 18 ns per call (the hand loop: 7).
    /// </summary>
    private static void EmitForward(SourceWriter w, LossModel model, string inputs, bool chunked)
    {
        var loss = model.Loss;
        OpenElementwise(w, loss, "The loss without gradients (the Forward methods): the value kernel alone.", "RunForward", RunPlan.Of(loss).Forward);
        w.Line("if (reduction == Reduction.None) LossGuard.Length(output.Length, n, nameof(output));");
        PreconditionEmitter.CheckOptions(w, loss);
        w.Line();
        if (chunked) ChunkEmitter.Dispatch(w, model, forward: true);
        // The kernel is compiled for the call's facts (the weight given): KernelFlags.Dispatch.
        PreconditionEmitter.DeclareFlags(w, loss);
        w.Line($"var kernel = new ValueKernelCall<T>({inputs}, weight{PreconditionEmitter.KernelArguments(loss)}, n, reduction, output);");
        Dispatch(w, loss, "ValueKernelCall<T>", "kernel");
        w.Close();
    }

    private static void Elementwise(SourceWriter w, BoundLoss loss, string inputs, IReadOnlyList<string> grads)
    {
        // Each kernel is compiled for the call's facts (weight given, upstream per element, gradients wanted), so that
        // its inner loop tests none of them: KernelFlags.Dispatch picks the instantiation.
        // Without gradients, Run has returned RunForward's value at its start.
        PreconditionEmitter.DeclareFlags(w, loss);
        var flags = PreconditionEmitter.KernelArguments(loss);
        w.Line();
        w.Line("// The mean's 1/n and the upstream gradient fold into one scale; for None the upstream is per element.");
        w.Line("T scale = reduction == Reduction.Mean ? gradOutput / T.CreateTruncating(n) : gradOutput;");
        w.Line($"var fused = new GradientKernelCall<T>({inputs}, weight, gradOutput: reduction == Reduction.None ? gradOutputs : default, scale{string.Concat(grads.Select(g => ", " + g))}{flags}, n, reduction, output);");
        Dispatch(w, loss, "GradientKernelCall<T>", "fused");
    }

    /// <summary>
    /// A row loss: Run computes the mean's divisor (validating the class indices), then hands the rows to RunRows (or,
    /// for millions of elements, to RunChunked, which runs RunRows on chunks of rows in parallel with the same divisor).
    /// A whole loss is one row, all in Run.
    /// </summary>
    private static void Rows(SourceWriter w, LossModel model, string inputs, IReadOnlyList<string> grads, bool chunked)
    {
        var loss = model.Loss;
        var plan = RunPlan.Of(loss);
        var rowPlan = RowPlan.Of(model);
        bool whole = loss.Shape == LossShape.Whole;
        if (whole) w.Line("int rows = 1, rowLength = n;");
        var indexInputs = loss.Inputs.Where(i => i.Kind == InputKind.Index).ToList();
        // Index inputs used as subscripts are class indices, checked against the row length; the others are plain integers.
        var subscripts = new HashSet<string>(loss.Subscripted);
        foreach (var root in loss.Aggregates.Select(a => (Expr?)a.Source).Append(loss.MeanBy).Append(loss.MeanPer))
            if (root is not null) ExprWalker.Any(root, e => { if (e is Gather g) subscripts.Add(g.Index.Name); return false; });
        var rowInputs = loss.Inputs.Where(i => i.Kind == InputKind.Row).ToList();
        var used = new HashSet<string> { "r", "start", "end", "n", "rows", "rowLength", "total", "inverseLength", "value", "g", "gradients", "reduction", "output", "gradOutput", "gradOutputs", "rowGradient", "rowGradientCached", "rowGradientOthers", "otherGradients", "cached", "divisor" };
        foreach (var p in plan.Run) used.Add(p.Name);
        foreach (var input in indexInputs) used.Add(Names.Camel(input.Name) + "Row");
        var rowLeaf = new System.Func<Expr, string?>(e => e switch
        {
            AggregateRef a => "a" + a.Index,
            OptionRef o => Names.Parameter(o.Name),
            IndexRef x => $"T.CreateTruncating({Names.Camel(x.Name)}Row)",
            RowRef x => $"{Names.Parameter(x.Name)}[r]",
            RowNumberRef => "T.CreateTruncating(firstRow + r)",
            Gather g => GatherText(loss, g),
            _ => null,
        });

        // The mean's denominator: the number of rows, or of rows not left out, or the sum of 'mean by' over them.
        bool counted = indexInputs.Any(i => i.Except is not null || subscripts.Contains(i.Name)) || loss.MeanBy is not null;
        bool numbered = KernelEmitter.NumbersRows(loss);
        if (numbered) w.Line("int firstRow = 0; // Run sees every row; a chunk of RunRows starts at its own");
        w.Line(whole || !counted ? "T divisor = T.CreateTruncating(rows);" : "T divisor = T.Zero;");
        if (counted)
        {
            w.Open("for (int r = 0; r < rows; r++)");
            foreach (var input in indexInputs) RowIndex(w, loss, input, validate: subscripts.Contains(input.Name));
            var divisorText = loss.MeanBy is null ? "T.One" : new ExpressionEmitter(Width.Scalar, rowLeaf, rowLeaf, new Dictionary<Expr, string>(), new HashSet<string>(used)).ScalarText(loss.MeanBy, true);
            w.Line($"divisor += {divisorText};");
            w.Close();
        }
        if (!whole)
        {
            if (chunked) ChunkEmitter.Dispatch(w, model);
            w.Line($"return RunRows<T>({NamedArguments.Join(plan.Rows.Select(p => (p, p.Name)))});");
            w.Close();
            w.Line();
            w.Line("/// <summary>The rows' losses and gradients, given the mean's divisor (Run's, for every chunk of rows alike).</summary>");
            w.Open($"private static T RunRows<T>({Signature(plan.Rows)}) where T : unmanaged, IBinaryFloatingPointIeee754<T>");
            w.Line($"int n = {Names.Parameter(loss.Inputs.First(i => i.IsElement).Name)}.Length;");
            w.Line("int rows = n / rowLength;");
            foreach (var input in loss.Inputs.Where(i => i.Kind == InputKind.Labels))
                w.Line($"int {Names.Camel(input.Name)}Width = rows == 0 ? 0 : {Names.Parameter(input.Name)}.Length / rows;");
        }
        w.Line("T inverseLength = T.One / T.CreateTruncating(rowLength);");
        var stored = rowPlan.Stored < 0 ? null : Names.Parameter(loss.Inputs[rowPlan.Stored].Name + "_grad");
        // A row function with a fused method writes its row argument's gradient while it computes its value: the
        // gradient kernel then leaves that input alone (its per-element part is 0) and the gradient pass scales the row.
        var fusedGrads = new Dictionary<string, string>();
        foreach (var f in rowPlan.Forward.OfType<RowFunctionPass>().Where(f => f.FusedInput >= 0))
        {
            var grad = Names.Parameter(loss.Inputs[f.FusedInput].Name + "_grad");
            used.Add("fused" + f.Aggregate);
            w.Line($"// A{f.Aggregate}'s fused method writes d(A{f.Aggregate})/d({loss.Inputs[f.FusedInput].Name}) into {grad} while it computes A{f.Aggregate}, when that gradient is wanted");
            w.Line($"bool fused{f.Aggregate} = gradients && !{grad}.IsEmpty;");
            fusedGrads[grad] = $"fused{f.Aggregate} ? default : {grad}";
        }
        foreach (var kernel in rowPlan.Kernels)
            w.Line($"var {kernel.Variable} = new {kernel.Struct}<T>({inputs}{kernel.Arguments switch
            {
                RowKernelArguments.Gradients => string.Concat(grads.Select(g => ", " + (fusedGrads.TryGetValue(g, out var f) ? f : g))),
                RowKernelArguments.Store => ", " + stored,
                RowKernelArguments.OtherGradients => string.Concat(grads.Select(g => ", " + (g == stored ? "default" : fusedGrads.TryGetValue(g, out var f) ? f : g))),
                _ => "",
            }});");
        if (stored is not null)
        {
            int storing = rowPlan.Forward.Select(p => p switch { AggregatePass { Store: not null } a => a.Aggregate, LogSumExpPass { Store: not null } o => o.Sum, _ => -1 }).First(j => j >= 0);
            bool others = rowPlan.Gradient.StoredWhole && rowPlan.Gradient.Cached is not null;
            if (!rowPlan.Gradient.StoredWhole) w.Line($"// A{storing}'s pass also stores a factor of the gradient in {stored}, and the gradient pass reads it back.");
            else
            {
                w.Line($"// A{storing}'s pass also stores the whole gradient in {stored} (the coefficients it reads are set before it); the");
                w.Line(others ? "// gradient pass then runs for the other inputs' gradients only, when one is wanted." : "// gradient pass then has nothing to write.");
            }
            w.Line($"bool cached = gradients && !{stored}.IsEmpty;");
            if (others) w.Line($"bool otherGradients = {string.Join(" || ", grads.Where(g => g != stored).Select(g => $"!{g}.IsEmpty"))};");
        }
        w.Line("T total = T.Zero;");
        w.Open("for (int r = 0; r < rows; r++)");
        w.Line("int start = r * rowLength, end = start + rowLength;");
        foreach (var input in indexInputs) RowIndex(w, loss, input, validate: false, grads: grads);
        foreach (var kernel in rowPlan.Kernels.Select(k => k.Variable))
        {
            var fields = new List<string> { $"{kernel}.RowStart = start;" };
            fields.AddRange(indexInputs.Select(i => $"{kernel}.{KernelEmitter.RowField(i.Name)} = T.CreateTruncating({Names.Camel(i.Name)}Row);"));
            fields.AddRange(rowInputs.Select(i => $"{kernel}.{KernelEmitter.RowField(i.Name)} = {Names.Parameter(i.Name)}[r];"));
            if (numbered) fields.Add($"{kernel}.CurrentRow = T.CreateTruncating(firstRow + r);");
            w.Line(string.Join(" ", fields));
        }
        var guardEmitter = new ExpressionEmitter(Width.Scalar, rowLeaf, rowLeaf, new Dictionary<Expr, string>(), new HashSet<string>(used));
        string upstream = whole ? "gradOutput"
            : $"reduction == Reduction.None ? gradOutputs[r] : reduction == Reduction.Mean ? gradOutput / {(loss.MeanPer is null ? "divisor" : "(divisor * per)")} : gradOutput";
        bool early = rowPlan.Early.Count > 0;
        if (early)
        {
            // dL/dA_k reads no aggregate: the coefficients the storing pass reads are known before it
            var store = rowPlan.Kernels.First(k => k.Arguments == RowKernelArguments.Store).Variable;
            w.Line($"T g = gradients ? {upstream} : T.Zero;");
            foreach (int k in rowPlan.Early)
                w.Line($"if (cached) {store}.C{k} = g * {guardEmitter.ScalarText(model.OuterGradients[k])}{Factor(model, k)}; // dL/dA{k} = {FormulaPrinter.Print(model.OuterGradients[k])}");
        }
        foreach (var pass in rowPlan.Forward) Forward(w, loss, pass, guardEmitter, used, stored);
        // The outer formula keeps the user's let names (lse, nll...), as the kernels do.
        var letNames = loss.Names.GroupBy(n => n.Expression).ToDictionary(g => g.Key, g => g.First().Name);
        var emitter = new ExpressionEmitter(Width.Scalar, rowLeaf, rowLeaf, letNames, used);
        var roots = new List<Expr> { loss.Body };
        roots.AddRange(model.OuterGradients);
        w.Line($"// L = {FormulaPrinter.Print(loss.Body)}");
        var texts = emitter.Emit(w, roots);
        w.Line($"T value = {texts[0]};");
        if (whole) w.Line("total += value;");
        else if (loss.MeanPer is null) w.Line("if (reduction != Reduction.None) total += value; else if (!output.IsEmpty) output[r] = value;");
        else
        {
            w.Line($"// mean per {FormulaPrinter.Print(loss.MeanPer)}: the mean averages each row's loss divided by it");
            w.Line($"T per = reduction == Reduction.Mean ? {guardEmitter.ScalarText(loss.MeanPer, true)} : T.One;");
            w.Line("if (reduction != Reduction.None) total += value / per; else if (!output.IsEmpty) output[r] = value;");
        }
        w.Open("if (gradients)");
        if (!early) w.Line($"T g = {upstream};");
        w.Line("// Adjoints of the aggregates, last to first: dL/dA_k plus what later aggregates that read A_k pass back.");
        foreach (var adjoint in rowPlan.Adjoints) Adjoint(w, model, adjoint, texts[1 + adjoint.Aggregate]);
        Gradient(w, model, rowPlan.Gradient);
        foreach (var pass in rowPlan.Additions) Addition(w, model, pass, guardEmitter);
        w.Close();
        w.Close();
        w.Line(whole ? "return total;" : "return reduction == Reduction.Mean ? total / divisor : total;");
    }

    /// <summary>A pass that computes an aggregate of the row, <c>a{j}</c>.</summary>
    private static void Forward(SourceWriter w, BoundLoss loss, RowPass pass, ExpressionEmitter guardEmitter, HashSet<string> used, string? stored)
    {
        switch (pass)
        {
            case LogSumExpPass o:
            {
                Declare(used, o.Maximum);
                Declare(used, o.Sum);
                var sums = o.Store is { } st ? new[] { o.MaxKernel, o.SumKernel, st } : new[] { o.MaxKernel, o.SumKernel };
                foreach (var i in o.Reads) w.Line(string.Join(" ", sums.Select(k => $"{k.Variable}.A{i} = a{i};")));
                w.Line($"// A{o.Maximum} and A{o.Sum} in one pass over the row: its running maximum and the sum of the exponentials shifted by it (an online log-sum-exp)");
                w.Line($"T a{o.Maximum};");
                string Call(RowKernel sum, string span) =>
                    $"ElementLoops.LogSumExp<{o.MaxKernel.Struct}<T>, {sum.Struct}<T>, T>(ref {o.MaxKernel.Variable}, ref {sum.Variable}, start, end, {span}, out a{o.Maximum})";
                w.Line(o.Store is { } storing
                    ? $"T a{o.Sum} = cached ? {Call(storing, stored!)} : {Call(o.SumKernel, "default")};"
                    : $"T a{o.Sum} = {Call(o.SumKernel, "default")};");
                break;
            }
            case AggregatePass a:
                Declare(used, a.Aggregate);
                var kernel = a.Kernel.Variable;
                foreach (var i in a.Reads) w.Line($"{kernel}.A{i} = a{i};" + (a.Store is { } s ? $" {s.Variable}.A{i} = a{i};" : ""));
                var loopCall = $"ElementLoops.{a.Loop}<{a.Kernel.Struct}<T>, T>(ref {kernel}, start, end)";
                if (a.Store is { } store) loopCall = $"(cached ? ElementLoops.Sum<{store.Struct}<T>, T>(ref {store.Variable}, start, end) : {loopCall})";
                var run = loopCall + (a.Mean ? " * inverseLength" : "");
                // An aggregate read only under option-only conditions takes its pass over the row only when they hold.
                w.Line(a.Guard is BoolConstant { Value: true }
                    ? $"T a{a.Aggregate} = {run};"
                    : $"T a{a.Aggregate} = {guardEmitter.ScalarText(a.Guard, true)} ? {run} : T.Zero;");
                break;
            case GatherPass g:
                Declare(used, g.Aggregate);
                w.Line($"T a{g.Aggregate} = {GatherText(loss, g.Source, "start + ")};");
                break;
            case RowFunctionPass f:
                Declare(used, f.Aggregate);
                if (f.FusedInput >= 0)
                {
                    w.Line($"// A{f.Aggregate} = {FormulaPrinter.Print(f.Call)}, computed by {f.Call.Method}, or with its gradient by {f.Call.Fused}");
                    w.Line($"T a{f.Aggregate} = fused{f.Aggregate} ? global::{f.Call.Fused}({RowCallArguments(loss, f.Call, guardEmitter)}, {Names.Parameter(loss.Inputs[f.FusedInput].Name + "_grad")}.Slice(start, rowLength)) : global::{f.Call.Method}({RowCallArguments(loss, f.Call, guardEmitter)});");
                    break;
                }
                w.Line($"// A{f.Aggregate} = {FormulaPrinter.Print(f.Call)}, computed by {f.Call.Method}");
                w.Line($"T a{f.Aggregate} = global::{f.Call.Method}({RowCallArguments(loss, f.Call, guardEmitter)});");
                break;
            default:
                throw new Diagnostics.UnexpectedValueException("The row emitter", pass);
        }
    }

    /// <summary>The locals of aggregate j, which the outer formula's temporaries must not take.</summary>
    private static void Declare(HashSet<string> used, int j)
    {
        used.Add("a" + j);
        used.Add("aggregate" + j);
        used.Add("bar" + j);
    }

    /// <summary><c>bar{k}</c>: dL/dA_k plus what the later aggregates that read A_k pass back through their dependency loops.</summary>
    private static void Adjoint(SourceWriter w, LossModel model, AdjointPass adjoint, string outer)
    {
        var terms = new List<string> { outer };
        foreach (var pass in adjoint.Dependencies)
        {
            var (k, j) = (pass.Dependency.K, pass.Dependency.J);
            foreach (var i in pass.Reads) w.Line($"{pass.Kernel.Variable}.A{i} = a{i};");
            w.Line($"T d{k}On{j} = ElementLoops.{pass.Loop}<{pass.Kernel.Struct}<T>, T>(ref {pass.Kernel.Variable}, start, end){Factor(model, k)};");
            terms.Add($"bar{k} * d{k}On{j}");
        }
        w.Line($"// dL/dA{adjoint.Aggregate} = {FormulaPrinter.Print(model.OuterGradients[adjoint.Aggregate])}");
        w.Line($"T bar{adjoint.Aggregate} = {string.Join(" + ", terms)};");
    }

    /// <summary>The row's gradients: the coefficients c_k = g * bar_k (and factor), then the gradient kernel's pass.</summary>
    private static void Gradient(SourceWriter w, LossModel model, GradientPass pass)
    {
        var kernels = pass.Cached is { } cached ? new[] { pass.Kernel, cached } : new[] { pass.Kernel };
        foreach (var i in pass.Reads) w.Line(string.Join(" ", kernels.Select(kernel => $"{kernel.Variable}.A{i} = a{i};")));
        var c = pass.Kernel.Variable;
        for (int k = 0; k < pass.Coefficients; k++)
            w.Line($"{c}.C{k} = g * bar{k}{Factor(model, k)};{(pass.Cached is { } x ? $" {x.Variable}.C{k} = {c}.C{k};" : "")}");
        var run = $"ElementLoops.Run<{pass.Kernel.Struct}<T>, T>(ref {c}, start, end);";
        if (pass.Empty) { w.Line($"// no pass of {pass.Kernel.Struct}: every gradient it would write is a fused row function's"); return; }
        if (pass.StoredWhole)
        {
            if (pass.Cached is not { } others) { w.Line($"if (!cached) {run} // else the storing pass wrote the only gradient"); return; }
            w.Line("// the stored input's gradient is whole: the others' (the kernel given its gradient span empty), when one is wanted");
            w.Line($"if (!cached) {run}");
            w.Line($"else if (otherGradients) ElementLoops.Run<{others.Struct}<T>, T>(ref {others.Variable}, start, end);");
            return;
        }
        if (pass.Cached is not { } stored) { w.Line(run); return; }
        w.Line("// in place, each element once: the cached kernel reads the summand where it writes the gradient");
        w.Line($"if (cached) ElementLoops.RunExact<{stored.Struct}<T>, T>(ref {stored.Variable}, start, end);");
        w.Line("else " + run);
    }

    /// <summary>A pass that adds to one input's gradient: a pair sum's, a subscript's, a row function's.</summary>
    private static void Addition(SourceWriter w, LossModel model, RowPass pass, ExpressionEmitter guardEmitter)
    {
        var loss = model.Loss;
        var c = RowKernel.Gradient.Variable;
        switch (pass)
        {
            case PairGradientPass p:
            {
                var grad = Names.Parameter(loss.Inputs[p.Pair.Input].Name + "_grad");
                var kernel = p.Kernel.Variable;
                foreach (var i in p.Reads) w.Line($"{kernel}.A{i} = a{i};");
                w.Line($"// d{loss.Inputs[p.Pair.Input].Name} at each position i of the row: c{p.Pair.Aggregate} * sum over j of {FormulaPrinter.PrintPair(p.Pair.Summand)}");
                w.Line($"if (!{grad}.IsEmpty) ElementLoops.PairGradient<{p.Kernel.Struct}<T>, T>(ref {kernel}, start, end, {c}.C{p.Pair.Aggregate}, {grad}.Slice(start, rowLength));");
                break;
            }
            case ScatterPass s:
            {
                var grad = Names.Parameter(loss.Inputs[s.Input].Name + "_grad");
                var gather = loss.Aggregates[s.Aggregate].Source!;
                w.Line($"// d{gather.Name}[{gather.Index.Name}]: the gradient of a subscript lands on one element");
                w.Line($"if (!{grad}.IsEmpty) {grad}[start + {Names.Camel(gather.Index.Name)}Row] += {c}.C{s.Aggregate};");
                break;
            }
            case RowFunctionGradientPass { Fused: true } f:
            {
                var call = loss.Aggregates[f.Aggregate].Call!;
                var grad = Names.Parameter(loss.Inputs[f.Input].Name + "_grad");
                w.Line($"// the gradient of {FormulaPrinter.Print(call)} for its row argument {f.Argument}: {call.Fused} wrote it unscaled, times c{f.Aggregate} here");
                w.Line($"if (fused{f.Aggregate}) ElementLoops.Scale({grad}.Slice(start, rowLength), {c}.C{f.Aggregate});");
                break;
            }
            case RowFunctionGradientPass f:
            {
                var call = loss.Aggregates[f.Aggregate].Call!;
                var grad = Names.Parameter(loss.Inputs[f.Input].Name + "_grad");
                w.Line($"// the gradient of {FormulaPrinter.Print(call)} for its row argument {f.Argument}, added by {call.Gradients[f.Argument]}");
                w.Line($"if (!{grad}.IsEmpty) global::{call.Gradients[f.Argument]}({RowCallArguments(loss, call, guardEmitter)}, {c}.C{f.Aggregate}, {grad}.Slice(start, rowLength));");
                break;
            }
            default:
                throw new Diagnostics.UnexpectedValueException("The row emitter", pass);
        }
    }

    /// <summary>
    /// Reads the row's class index of an index input; a row whose index equals the 'except' option is left out (in the
    /// main loop: zero gradients, zero output); any other index must be a class of the row.
    /// </summary>
    private static void RowIndex(SourceWriter w, BoundLoss loss, InputModel input, bool validate, IReadOnlyList<string>? grads = null)
    {
        var p = Names.Parameter(input.Name);
        var local = Names.Camel(input.Name) + "Row";
        w.Line($"int {local} = {p}[r];");
        if (input.Except is { } except)
        {
            if (validate) w.Line($"if (T.CreateTruncating({local}) == {Names.Parameter(except)}) continue;");
            else
            {
                w.Open($"if (T.CreateTruncating({local}) == {Names.Parameter(except)})");
                foreach (var g in grads ?? new string[0])
                    w.Line($"if (!{g}.IsEmpty) {g}.Slice(start, rowLength).Clear();");
                w.Line("if (reduction == Reduction.None && !output.IsEmpty) output[r] = T.Zero;");
                w.Line("continue;");
                w.Close();
            }
        }
        if (validate)
            w.Line($"if ((uint){local} >= (uint)rowLength) throw new ArgumentException($\"{input.Name} index {{{local}}} is out of range for {{rowLength}} classes (row {{r}})\", \"{Names.PublicCamel(input.Name)}\");");
    }

    /// <summary>A row function's arguments: whole rows of element inputs, the row's label list, per-row numbers.</summary>
    private static string RowCallArguments(BoundLoss loss, RowCall call, ExpressionEmitter scalars) =>
        string.Join(", ", call.Arguments.Select(a => a switch
        {
            InputRef x => $"{Names.Parameter(x.Name)}.Slice(start, rowLength)",
            ListRef l => $"{Names.Parameter(l.Name)}.Slice(r * {Names.Camel(l.Name)}Width, {Names.Camel(l.Name)}Width)",
            _ => scalars.ScalarText(a, true),
        }));

    /// <summary>x[t] read directly: an element input at the row's offset, or a class input (its default when left out).</summary>
    private static string GatherText(BoundLoss loss, Gather g, string offset = "")
    {
        var input = loss.Inputs[g.Input];
        var index = Names.Camel(g.Index.Name) + "Row";
        var p = Names.Parameter(input.Name);
        if (!g.IsClassInput)
            return input.Default is { } e ? $"({p}.IsEmpty ? T.CreateTruncating({Names.Double(e)}) : {p}[{offset}{index}])" : $"{p}[{offset}{index}]";
        return input.Default is { } d ? $"({p}.IsEmpty ? T.CreateTruncating({Names.Double(d)}) : {p}[{index}])" : $"{p}[{index}]";
    }

    /// <summary>A parameter list: each parameter's type and name.</summary>
    private static string Signature(IEnumerable<RunParameter> parameters) => string.Join(", ", parameters.Select(p => p.TypeText() + " " + p.Name));

    /// <summary>
    /// Runs a specialised elementwise kernel (KernelFlags.Dispatch) and returns its result; a require clause on element
    /// values that failed in its pass throws first.
    /// </summary>
    private static void Dispatch(SourceWriter w, BoundLoss loss, string call, string variable)
    {
        if (PreconditionEmitter.KernelArguments(loss).Length == 0) { w.Line($"return KernelFlags.Dispatch<{call}, T>(ref {variable});"); return; }
        w.Line($"T {variable}Result = KernelFlags.Dispatch<{call}, T>(ref {variable});");
        PreconditionEmitter.CheckFlags(w, loss);
        w.Line($"return {variable}Result;");
    }

    /// <summary>Aggregate k's weight per element: 1/rowLength for a mean, 1/ties for a max or min.</summary>
    private static string Factor(LossModel model, int k) =>
        (model.Loss.Aggregates[k].IsMean ? " * inverseLength" : "") + (model.Counts[k] >= 0 ? $" / a{model.Counts[k]}" : "");
}
