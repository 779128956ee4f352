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

    /// <summary>
    /// A kernel of a <c>sum_pairs</c> pass (<c>IPairKernel&lt;T&gt;</c>): its expressions read the pair's first position
    /// (<see cref="OuterRef"/>, <see cref="OuterColumnRef"/>) from fields that <c>SetOuter(p)</c> fills, and the second as the current element.
    /// </summary>
    public bool Pair { get; init; }

    /// <summary>
    /// Specialised per call (issue 15): the struct is generic over <c>F0</c> .. <c>F5</c> (<c>On</c> or <c>Off</c>), the
    /// call's facts (weight given, upstream per element, optional inputs given, gradients and Hessians wanted), and a
    /// <c>{Name}Call</c> struct picks the instantiation (<c>KernelFlags.Dispatch</c>), so the inner loop holds no test
    /// of them. The elementwise kernels only; the row kernels test their flags per vector.
    /// </summary>
    public bool Specialised { get; init; }

    /// <summary>
    /// A specialised kernel that streams its gradients and Hessians past the caches (non-temporal stores,
    /// <c>ElementLoops.Stream</c>) when its call is large (<c>ElementLoops.ShouldStream</c>, the last flag <c>F5</c>):
    /// its call pins the outputs, so the compilation must allow unsafe code.
    /// </summary>
    public bool Streams { get; init; }

    /// <summary>
    /// The aggregate whose row value this summand subtracts as a shift (<c>IShiftedKernel&lt;T&gt;</c>: the online
    /// log-sum-exp sets it per chunk of the row, <see cref="Plan.LogSumExpPass"/>), or -1.
    /// </summary>
    public int Shift { get; init; } = -1;

    /// <summary>
    /// A storing kernel (a row aggregate's pass that also stores a gradient, or a factor of it, <see cref="Plan.RowKernel.Store"/>):
    /// it runs only when that gradient is wanted, so it stores it with no test and holds no flag for it.
    /// </summary>
    public bool Stores { get; init; }
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
        var flags = Flags(loss, spec);
        var element = spec.Pair ? "IPairKernel<T>" : "IElementKernel<T>";
        var interfaces = !Cheap(spec) ? element : FusesSum(spec) ? $"{element}, IFusedSumKernel" : $"{element}, IUnrolledKernel";
        if (spec.Shift >= 0) interfaces += ", IShiftedKernel<T>";
        w.Open(spec.Specialised
            ? $"private ref struct {spec.Name}<T, {FlagParameters}> : {interfaces} where T : unmanaged, IBinaryFloatingPointIeee754<T> {FlagConstraints}"
            : $"private ref struct {spec.Name}<T> : {interfaces} where T : unmanaged, IBinaryFloatingPointIeee754<T>");
        var outer = spec.Pair ? OuterReads(spec) : new List<Expr>();
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
        // a fact's bool field only where the kernel tests it per vector: a type flag leaves nothing to set per call
        void Fact(string field) { if (TestedPerVector(spec, flags, field)) w.Line($"private readonly bool {field};"); }
        if (spec.Weighted) { w.Line("private readonly ReadOnlySpan<T> _weight;"); Fact("_hasWeight"); }
        if (spec.Upstream) { w.Line("private readonly ReadOnlySpan<T> _gradOutput;"); Fact("_hasGradOutput"); w.Line("private readonly T _scale;"); }
        foreach (var (k, gradient) in spec.Gradients)
            if (ScaleFactor(spec, gradient).Factor != 1) w.Line($"private readonly T {ScaleField(loss.Inputs[k].Name)};");
        foreach (var (k, _) in spec.Gradients) { w.Line($"private readonly Span<T> {GradField(loss.Inputs[k].Name)};"); Fact(WantField(loss.Inputs[k].Name)); }
        foreach (var (k, _) in spec.Hessians) { w.Line($"private readonly Span<T> {HessField(loss.Inputs[k].Name)};"); Fact(WantHessField(loss.Inputs[k].Name)); }
        if (spec.Hessians.Count > 0) w.Line("private readonly HessianTransform<T> _hessianPolicy;");
        var perCall = PerCallExpressions(loss, spec);
        foreach (var (e, field) in perCall)
            w.Line($"private readonly {(e.IsBool ? "bool" : "T")} {field}; // {FormulaPrinter.Print(e)}");
        var wholeExponents = WholeExponentFields(spec, flags);
        foreach (var (e, field) in wholeExponents)
            w.Line($"private readonly int {field}; // {FormulaPrinter.Print(e)}, where a whole number from 0 to 4");
        var reciprocals = ReciprocalFields(spec, flags);
        foreach (var (e, field) in reciprocals)
            w.Line($"private readonly T {field}; // 1 / {FormulaPrinter.Print(e)}, where a power of two");
        var spread = SpreadFields(loss, spec);
        spread.AddRange(perCall.Where(p => !p.Expr.IsBool).Select(p => p.Field));
        spread.AddRange(reciprocals.Select(r => r.Field));
        if (spread.Count > 0) w.Line("// the per-call scalars spread over the lanes once per call (the JIT does not hoist a broadcast out of a loop")
            .Line("// with many live vectors): one Vector512 each, whose lower lanes the narrower bodies read; set again by Spread");
        foreach (var field in spread) w.Line($"private {Width.V512.Type} {Width.V512.Lanes(field)};");
        PreconditionEmitter.Fields(w, loss);
        for (int j = 0; j < spec.Aggregates; j++)
            w.Line($"/// <summary>A{j} of the current row.</summary>").Line($"public T A{j};");
        if (spec.Shift >= 0)
            w.Line($"/// <summary>The shift of the online log-sum-exp: A{spec.Shift}, or the running maximum of a chunk of the row.</summary>")
                .Line($"public T Shift {{ readonly get => A{spec.Shift}; set => A{spec.Shift} = value; }}");
        for (int j = 0; j < spec.Coefficients; j++)
            w.Line($"/// <summary>dL/dA{j} for the current row, times its upstream gradient (and 1/rowLength for a mean, 1/ties for a max).</summary>").Line($"public T C{j};");
        foreach (var leaf in outer)
            w.Line($"/// <summary>{OuterDescription(leaf)} at the pair's first position (set by SetOuter).</summary>").Line($"private T {OuterField(leaf)};");
        w.Line();

        var parameters = new List<KernelParameter>();
        parameters.AddRange(SpanInputs(loss).Select(i => new KernelParameter("ReadOnlySpan<T>", Names.Parameter(i.Name))));
        parameters.AddRange(loss.Options.Select(o => new KernelParameter(o.IsBoolean ? "bool" : "T", Names.Parameter(o.Name))));
        if (spec.Weighted) parameters.Add(new("ReadOnlySpan<T>", "weight"));
        if (spec.Upstream) { parameters.Add(new("ReadOnlySpan<T>", "gradOutput")); parameters.Add(new("T", "scale")); }
        parameters.AddRange(spec.Gradients.Select(g => new KernelParameter("Span<T>", Names.Parameter(loss.Inputs[g.Input].Name + "_grad"))));
        parameters.AddRange(spec.Hessians.Select(h => new KernelParameter("Span<T>", Names.Parameter(loss.Inputs[h.Input].Name + "_hess"))));
        if (spec.Hessians.Count > 0) parameters.Add(new("HessianPolicy", "hessianPolicy"));
        parameters.AddRange(PreconditionEmitter.FlagNames(loss).Select(name => new KernelParameter("bool", name, ByRef: true)));
        // inlined: a call passing a dozen spans on the stack was a fixed cost of every call of an elementwise loss
        if (spec.Specialised) w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        w.Open($"public {spec.Name}({string.Join(", ", parameters)})");
        foreach (var input in SpanInputs(loss))
        {
            w.Line($"{Names.Field(input.Name)} = {Names.Parameter(input.Name)};");
            if (input.Default is not null) w.Line($"{HasField(input.Name)} = !{Names.Parameter(input.Name)}.IsEmpty;");
        }
        foreach (var option in loss.Options) w.Line($"{Names.Field(option.Name)} = {Names.Parameter(option.Name)};");
        void SetFact(string field, string span) { if (TestedPerVector(spec, flags, field)) w.Line($"{field} = !{span}.IsEmpty;"); }
        if (spec.Weighted) { w.Line("_weight = weight;"); SetFact("_hasWeight", "weight"); }
        if (spec.Upstream) { w.Line("_gradOutput = gradOutput;"); SetFact("_hasGradOutput", "gradOutput"); w.Line("_scale = scale;"); }
        foreach (var (k, gradient) in spec.Gradients)
            if (ScaleFactor(spec, gradient) is { Factor: not 1 } folded) w.Line($"{ScaleField(loss.Inputs[k].Name)} = scale * T.CreateTruncating({Names.Double(folded.Factor)});");
        foreach (var (k, _) in spec.Gradients)
        {
            var name = loss.Inputs[k].Name;
            w.Line($"{GradField(name)} = {Names.Parameter(name + "_grad")};");
            SetFact(WantField(name), Names.Parameter(name + "_grad"));
        }
        foreach (var (k, _) in spec.Hessians)
        {
            var name = loss.Inputs[k].Name;
            w.Line($"{HessField(name)} = {Names.Parameter(name + "_hess")};");
            SetFact(WantHessField(name), Names.Parameter(name + "_hess"));
        }
        if (spec.Hessians.Count > 0) w.Line("_hessianPolicy = new HessianTransform<T>(hessianPolicy);");
        // the per-call values from the option fields (set above)
        var options = new ExpressionEmitter(Width.Scalar, _ => null, e => e is OptionRef o ? Names.Field(o.Name) : null, new Dictionary<Expr, string>(), new HashSet<string>());
        foreach (var (e, field) in perCall) w.Line($"{field} = {options.ScalarText(e, true)};");
        foreach (var (e, field) in wholeExponents) w.Line($"{field} = int.CreateTruncating({options.ScalarText(e, true)});");
        foreach (var (e, field) in reciprocals) w.Line($"{field} = T.One / {options.ScalarText(e)};");
        foreach (var field in spread) w.Line($"{Width.V512.Lanes(field)} = {Width.V512.Splat(field)};");
        PreconditionEmitter.Assignments(w, loss);
        if (loss.Shape != LossShape.Elementwise)
        {
            w.Line("RowStart = 0;");
            foreach (var input in loss.Inputs.Where(i => i.Kind is InputKind.Index or InputKind.Row)) w.Line($"{RowField(input.Name)} = T.Zero;");
            if (NumbersRows(loss)) w.Line("CurrentRow = T.Zero;");
        }
        for (int j = 0; j < spec.Aggregates; j++) w.Line($"A{j} = T.Zero;");
        for (int j = 0; j < spec.Coefficients; j++) w.Line($"C{j} = T.Zero;");
        foreach (var leaf in outer) w.Line($"{OuterField(leaf)} = T.Zero;");
        w.Close();
        w.Line();
        w.Line("/// <summary>The per-call vectors again from their scalars: the loops call it on their own copy of the kernel (IElementKernel.Spread).</summary>");
        w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        w.Open("public void Spread()");
        if (spread.Count > 0)
        {
            // without AVX-512 a Vector512 is a plain struct, whose making costs; the narrower bodies read the constructor's
            w.Line("if (!Vector512.IsHardwareAccelerated) return;");
            foreach (var field in spread) w.Line($"{Width.V512.Lanes(field)} = {Width.V512.Splat(field)};");
        }
        w.Close();
        if (spec.Pair)
        {
            w.Line();
            w.Line("/// <summary>Fixes the pair's first position i at element <paramref name=\"position\"/>: the body then runs over j.</summary>");
            w.Open("public void SetOuter(int position)");
            foreach (var leaf in outer)
            {
                var value = leaf switch
                {
                    OuterColumnRef => "T.CreateTruncating(position - RowStart)",
                    OuterRef o => OuterLoad(loss.Inputs[o.Input], o.IsClassInput ? "position - RowStart" : "position"),
                    _ => throw new Diagnostics.UnexpectedValueException("The pair kernel emitter", leaf),
                };
                w.Line($"{OuterField(leaf)} = {value};");
            }
            w.Close();
        }

        foreach (var width in Width.All)
        {
            w.Line();
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            if (!width.IsScalar && FusesSum(spec))
            {
                // the loss a product: the body adds it to the sum (Add), one multiply-add; the loss alone is that added to
                // -0, which gives the loss exactly (a -0 loss stays -0, where +0 would turn it into +0)
                w.Line($"public {width.Type} Invoke{width.Suffix}(int i) => Add{width.Suffix}(i, {width.Splat("T.NegativeZero")});");
                w.Line();
                w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
                w.Open($"public {width.Type} Add{width.Suffix}(int i, {width.Type} sum)");
                Body(w, model, spec, width, field => Test(spec, flags, field), WholePowers(spec, flags), WholeExponentFields(spec, flags), sum: "sum");
                w.Close();
                continue;
            }
            w.Open($"public {width.Type} Invoke{width.Suffix}(int i)");
            Body(w, model, spec, width, field => Test(spec, flags, field), WholePowers(spec, flags), WholeExponentFields(spec, flags));
            w.Close();
            if (width.IsScalar) continue;
            w.Line();
            w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
            w.Line($"public {width.Type} Add{width.Suffix}(int i, {width.Type} sum) => sum + Invoke{width.Suffix}(i);");
        }
        foreach (var width in Width.All.Where(x => !x.IsScalar)) PairStep(w, model, spec, width, flags);
        w.Close();
        if (spec.Specialised) EmitCall(w, spec, parameters, flags);
    }

    /// <summary>
    /// The sum loop's step over two vectors, at i and at j = i + one vector, each added to its own sum (AddPair). In a
    /// cheap kernel (IUnrolledKernel, the loop's only caller) both copies' loads come before the first store: a store
    /// ahead of the next loads stalls them when an output lies a multiple of 4 KB from an input (4K aliasing), as arrays
    /// of a power-of-two length allocated one after another do, and a hand-written loop loads first. Elsewhere it is
    /// the two steps.
    /// </summary>
    private static void PairStep(SourceWriter w, LossModel model, KernelSpec spec, Width width, List<KernelFlag> flags)
    {
        var second = width with { Index = "j" };
        w.Line();
        w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        var signature = $"public void AddPair{width.Suffix}(int i, ref {width.Type} sum0, ref {width.Type} sum1)";
        if (!Cheap(spec) || IsLarge(spec))
        {
            w.Open(signature).Line($"sum0 = Add{width.Suffix}(i, sum0);").Line($"sum1 = Add{width.Suffix}(i + {width.Vector}<T>.Count, sum1);").Close();
            return;
        }
        w.Open(signature);
        var used = new HashSet<string> { "i", "j", "sum0", "sum1" };
        var stores = new SourceWriter();
        bool fused = FusesSum(spec);
        string Result(string sum, string value) => fused ? $"{sum} = {value};" : $"{sum} += {value};";
        Body(w, model, spec, width, field => Test(spec, flags, field), WholePowers(spec, flags), WholeExponentFields(spec, flags), fused ? "sum0" : null, used, stores, v => Result("sum0", v));
        w.Line($"int j = i + {width.Vector}<T>.Count;");
        Body(w, model, spec, second, field => Test(spec, flags, field), WholePowers(spec, flags), WholeExponentFields(spec, flags), fused ? "sum1" : null, used, stores, v => Result("sum1", v));
        var text = stores.ToString();
        if (text.Length > 0)
        {
            w.Line("// the stores, after both copies' loads");
            foreach (var line in text.TrimEnd('\n').Split('\n')) w.Line(line);
        }
        w.Close();
    }

    /// <summary>
    /// The largest kernel (distinct operations of its value, gradients and Hessians) whose pair step loads both copies
    /// first. Past it the pair is the two steps: two whole copies of a kernel with many outputs (the box IoU losses'
    /// gradients: 119 operations and more, where the largest kernel below is 48) held every first copy's gradients live
    /// across the second, and the JIT compiled that method 2.2x slower than the two steps (distance_box_iou_loss, AVX2,
    /// 4,096 boxes).
    /// </summary>
    private const int PairOperations = 60;

    /// <summary>
    /// Whether the kernel has more than <see cref="PairOperations"/> distinct operations (not leaves) over its value,
    /// gradients and Hessians. The count stops there: hashing an expression walks it, so counting every node of a
    /// 50,000-term product took minutes (HostileInputTests' long_product).
    /// </summary>
    private static bool IsLarge(KernelSpec spec)
    {
        var seen = new HashSet<Expr>();
        return Roots(spec).Any(root => ExprWalker.Any(root, e => ExprWalker.Children(e).Any() && seen.Add(e) && seen.Count > PairOperations));
    }

    /// <summary>A specialised kernel whose loss is a product (a square): its sum step (Add) is one multiply-add.</summary>
    private static bool FusesSum(KernelSpec spec) => spec.Specialised && !spec.Pair && spec.Value is not null && Factors(spec.Value) is not null;

    /// <summary>A product's two factors: a * b, or u^2 as u * u.</summary>
    private static Expr[]? Factors(Expr e) => e switch
    {
        Binary { Op: BinaryOp.Multiply } m => new[] { m.Left, m.Right },
        Binary { Op: BinaryOp.Power, Right: Constant { Value: 2 } } p => new[] { p.Left, p.Left },
        _ => null,
    };

    /// <summary>A kernel with no transcendental function: the sum loop may run two copies of its body (IUnrolledKernel).</summary>
    private static bool Cheap(KernelSpec spec) =>
        Roots(spec).All(e => !ExprWalker.Any(e, x => x is Call { Function: not (Function.Abs or Function.Sign or Function.Min or Function.Max or Function.Detach) }
                or ExternCall { Method: LossEmitter.ShiftedExp }));

    /// <summary>
    /// The facts of a call a kernel tests, in bit order: the bool field that holds each and the constructor parameter
    /// (a span) whose being non-empty sets it.
    /// </summary>
    private static List<KernelFlag> Flags(BoundLoss loss, KernelSpec spec)
    {
        var flags = new List<KernelFlag>();
        if (spec.Weighted) flags.Add(new("_hasWeight", "weight"));
        if (spec.Upstream) flags.Add(new("_hasGradOutput", "gradOutput"));
        foreach (var input in SpanInputs(loss).Where(i => i.Default is not null)) flags.Add(new(HasField(input.Name), Names.Parameter(input.Name)));
        foreach (var (k, _) in spec.Gradients) flags.Add(new(WantField(loss.Inputs[k].Name), Names.Parameter(loss.Inputs[k].Name + "_grad"), Output: true));
        foreach (var (k, _) in spec.Hessians) flags.Add(new(WantHessField(loss.Inputs[k].Name), Names.Parameter(loss.Inputs[k].Name + "_hess"), Output: true));
        // Then facts of the options, each taking a type flag only where one is free: a yes/no option (poisson's
        // log_input), so that the branch it decides is taken once per call, not per vector ...
        if (spec.Specialised)
            foreach (var option in loss.Options.Where(o => o.IsBoolean))
                flags.Add(new(Names.Field(option.Name), null, Condition: Names.Field(option.Name)));
        // ... and every exponent fixed per call a small whole number.
        var scalar = new ExpressionEmitter(Width.Scalar, _ => null, e => e is OptionRef o ? Names.Field(o.Name) : null, new Dictionary<Expr, string>(), new HashSet<string>());
        var exponents = WholePowerExponents(spec);
        if (spec.Specialised && exponents.Count > 0)
        {
            flags.Add(new(WholePowersFlag, null, Condition: string.Join(" && ", exponents.Select(x => $"LossMath.IsSmallWhole({scalar.ScalarText(x, true)})"))));
        }
        // ... and every divisor fixed per call a power of two (smooth_l1's beta = 1): its quotients are products.
        var divisors = PerCallDivisors(spec);
        if (spec.Specialised && divisors.Count > 0)
            flags.Add(new(ExactReciprocalsFlag, null, Condition: string.Join(" && ", divisors.Select(x => $"LossMath.IsExactReciprocal({scalar.ScalarText(x, true)})"))));
        return flags;
    }

    /// <summary>The fact "every divisor fixed per call is a power of two" (no field: a type flag or nothing).</summary>
    private const string ExactReciprocalsFlag = "_exactReciprocals";

    /// <summary>The kernel's divisors fixed per call (options, as smooth_l1's beta), in a stable order.</summary>
    private static List<Expr> PerCallDivisors(KernelSpec spec) => PerCallOperands(spec, BinaryOp.Divide);

    /// <summary>The right operands of <paramref name="op"/> that are fixed per call (options and constants, not a constant), in a stable order.</summary>
    private static List<Expr> PerCallOperands(KernelSpec spec, BinaryOp op)
    {
        var found = new List<Expr>();
        foreach (var root in Roots(spec))
            ExprWalker.Any(root, e => { if (e is Binary b && b.Op == op && ExpressionEmitter.IsPerCallOperand(b.Right) && !found.Contains(b.Right)) found.Add(b.Right); return false; });
        return found;
    }

    /// <summary>What a kernel computes: its value (if any), its gradients and its Hessians.</summary>
    private static IEnumerable<Expr> Roots(KernelSpec spec) => new[] { spec.Value }.OfType<Expr>().Concat(spec.Gradients.Select(g => g.Gradient)).Concat(spec.Hessians.Select(h => h.Hessian));

    /// <summary>
    /// Where the kernel has the exact-reciprocals flag as a type: each per-call divisor and the field holding its
    /// reciprocal, computed once per call; else none (the kernel divides).
    /// </summary>
    private static List<(Expr Expr, string Field)> ReciprocalFields(KernelSpec spec, List<KernelFlag> flags) =>
        ExactReciprocals(spec, flags) is null ? new List<(Expr, string)>() : PerCallDivisors(spec).Select((e, k) => (e, "_reciprocal" + k)).ToList();

    /// <summary>The test of the exact-reciprocals fact where it has a type flag, else null.</summary>
    private static string? ExactReciprocals(KernelSpec spec, List<KernelFlag> flags)
    {
        int bit = flags.FindIndex(f => f.Field == ExactReciprocalsFlag);
        return spec.Specialised && bit >= 0 && bit < FlagBits ? $"(typeof(F{bit}) == typeof(On))" : null;
    }

    /// <summary>The fact "every exponent fixed per call is a small whole number" (no field: a type flag or nothing).</summary>
    private const string WholePowersFlag = "_wholePowers";

    /// <summary>
    /// Where the kernel has the whole-powers flag: each exponent fixed per call and the int field holding it, converted
    /// once per call, so that <c>PowWhole</c> tests an integer per vector (one fused compare and branch for the square)
    /// where it compared the floating-point exponent with each of 0 .. 4.
    /// </summary>
    private static List<(Expr Expr, string Field)> WholeExponentFields(KernelSpec spec, List<KernelFlag> flags) =>
        WholePowers(spec, flags) is null ? new List<(Expr, string)>() : WholePowerExponents(spec).Select((e, k) => (e, "_wholePower" + k)).ToList();

    /// <summary>The kernel's exponents fixed per call (options, as focal's gamma and gamma - 1), in a stable order.</summary>
    private static List<Expr> WholePowerExponents(KernelSpec spec) => PerCallOperands(spec, BinaryOp.Power);

    /// <summary>A parameter of a kernel's constructor; a require clause's flag is a <c>ref bool</c>, kept and passed on by reference.</summary>
    private sealed record KernelParameter(string Type, string Name, bool ByRef = false)
    {
        public override string ToString() => $"{(ByRef ? "ref " : "")}{Type} {Name}";
    }

    /// <summary>
    /// A fact of a call that a kernel tests: the bool field that holds it and the constructor parameter (a span) whose
    /// being non-empty sets it, or else the <paramref name="Condition"/> on the call's fields that sets it;
    /// <paramref name="Output"/>: a gradient or Hessian span, which a streaming kernel pins.
    /// </summary>
    private sealed record KernelFlag(string Field, string? Parameter, bool Output = false, string? Condition = null);

    /// <summary>A flag's test: a constant of the instantiation for the first KernelFlags.Count facts of a specialised kernel, else its field.</summary>
    private static string Test(KernelSpec spec, List<KernelFlag> flags, string field)
    {
        int bit = flags.FindIndex(f => f.Field == field);
        return spec.Specialised && bit >= 0 && bit < FlagBits ? $"(typeof(F{bit}) == typeof(On))" : field;
    }

    /// <summary>Whether the kernel reads a fact's bool field per vector: not specialised, or the fact past the type flags.</summary>
    private static bool TestedPerVector(KernelSpec spec, List<KernelFlag> flags, string field) =>
        !(spec.Stores && flags.Any(f => f.Field == field && f.Output)) && Test(spec, flags, field) == field;

    /// <summary>The test of the whole-powers fact where it has a type flag, else null (Pow tests its exponent per vector).</summary>
    private static string? WholePowers(KernelSpec spec, List<KernelFlag> flags)
    {
        int bit = flags.FindIndex(f => f.Field == WholePowersFlag);
        return spec.Specialised && bit >= 0 && bit < FlagBits ? $"(typeof(F{bit}) == typeof(On))" : null;
    }

    private static string FlagParameters => string.Join(", ", Enumerable.Range(0, FlagBits + 1).Select(k => "F" + k));
    private static string FlagConstraints => string.Join(" ", Enumerable.Range(0, FlagBits + 1).Select(k => $"where F{k} : struct, IFlag"));

    /// <summary>The facts a specialised kernel holds as types (F0 .. F4); F5 (KernelFlags.Count - 1) is the streaming flag.</summary>
    private const int FlagBits = 5;

    private const string StreamFlag = "(typeof(F5) == typeof(On))";

    /// <summary>
    /// <c>{Name}Call&lt;T&gt;</c>: the kernel's constructor arguments and the loop's (n, reduction, output); its Facts are
    /// the facts a call can have and its Bits those of this call. Run&lt;F0, ..., F5&gt;, inlined into the dispatch, passes
    /// the arguments to Loop&lt;F0, ..., F5&gt;, which builds the kernel for them and runs it (not inlined: one body per
    /// combination the program calls; inlined for a call of one fact, two bodies). Measured (mse_loss forward, 16
    /// floats, AVX2): 3.15 -> 2.8 of the hand loop, where Run was the loop and read the struct's fields through a
    /// reference. Tried and dropped: the spans held as reference and length (a span field copied whole is read back in
    /// one 8-byte load that a 4-byte store cannot forward; 22 -> 14.5 ns in an ad hoc harness) measured no better in Run
    /// (its dispatch then exceeded the JIT's inlining budget, or, with the spans rebuilt in Loop, forward + backward at
    /// 4,096 floats was 20% slower).
    /// </summary>
    private static void EmitCall(SourceWriter w, KernelSpec spec, List<KernelParameter> parameters, List<KernelFlag> flags)
    {
        string F(string name) => "_" + name.TrimStart('@');
        w.Line();
        w.Line($"/// <summary>One call of <see cref=\"{spec.Name}{{T, {FlagParameters}}}\"/>: its arguments, and the kernel specialised for them (KernelFlags.Dispatch).</summary>");
        w.Open($"private readonly ref struct {spec.Name}Call<T> : IFlaggedCall<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>");
        foreach (var p in parameters) w.Line($"private readonly {(p.ByRef ? "ref " : "")}{p.Type} {F(p.Name)};");
        w.Line("private readonly int _n;").Line("private readonly Reduction _reduction;").Line("private readonly Span<T> _output;");
        w.Line();
        // the kernel's arguments, then the loop's: the constructor's parameters and Loop's alike
        var callParameters = string.Join(", ", parameters) + ", int n, Reduction reduction, Span<T> output";
        w.Open($"public {spec.Name}Call({callParameters})");
        foreach (var p in parameters) w.Line(p.ByRef ? $"{F(p.Name)} = ref {p.Name};" : $"{F(p.Name)} = {p.Name};");
        w.Line("_n = n;").Line("_reduction = reduction;").Line("_output = output;");
        w.Close();
        w.Line();
        var bits = flags.Take(FlagBits).Select((f, k) => f.Condition is { } c ? $"({c} ? {1 << k} : 0)" : $"({F(f.Parameter!)}.IsEmpty ? 0 : {1 << k})").ToList();
        int facts = (1 << bits.Count) - 1;
        if (spec.Streams)
        {
            bits.Add($"(ElementLoops.ShouldStream<T>(_n) ? {1 << FlagBits} : 0)");
            facts |= 1 << FlagBits;
        }
        w.Line($"public static int Facts => {facts};");
        w.Line($"public int Bits {{ [MethodImpl(MethodImplOptions.AggressiveInlining)] get => {(bits.Count == 0 ? "0" : string.Join(" | ", bits))}; }}");
        w.Line();
        w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        var arguments = parameters.Select(p => (p.ByRef ? "ref " : "") + F(p.Name)).Concat(new[] { "_n", "_reduction", "_output" });
        w.Line($"public T Run<{FlagParameters}>() {FlagConstraints} => Loop<{FlagParameters}>({string.Join(", ", arguments)});");
        w.Line();
        // A call of one fact has two loops: inlined into the dispatch, each saves the call's passing of its arguments
        // through the stack (mse_loss forward, AVX-512, ad hoc harness: 18 -> 12 ns per call at 64 floats, 243-260 ->
        // 237-254 ns at 4,096). More facts keep Loop out of line: up to 2^k bodies would each be inlined.
        w.Line(bits.Count <= 1 ? "[MethodImpl(MethodImplOptions.AggressiveInlining)]" : "[MethodImpl(MethodImplOptions.NoInlining)]");
        w.Open($"private static {(spec.Streams ? "unsafe " : "")}T Loop<{FlagParameters}>({callParameters}) {FlagConstraints}");
        // kernel and p0, p1, ...: names the generated code keeps for itself (Names.IsGenerated), no parameter's.
        w.Line($"var kernel = new {spec.Name}<T, {FlagParameters}>({string.Join(", ", parameters.Select(p => (p.ByRef ? "ref " : "") + p.Name))});");
        // The outputs pinned while the kernel runs, the loop started at the first one's alignment: for a cheap kernel
        // always (its pairs then store aligned, and its sum is the same wherever they start, ElementLoops.SumShifted256),
        // for another only when it streams (peeled: its sum then depends on where the output lies).
        bool cheap = Cheap(spec);
        bool alwaysAligned = spec.Streams && cheap;
        var outputs = flags.Where(f => f.Output).Select(f => f.Parameter!).ToList();
        if (spec.Streams)
        {
            if (!alwaysAligned) w.Open($"if ({StreamFlag})");
            w.Open($"fixed ({string.Join(", ", outputs.Select((o, k) => $"{(k == 0 ? "T* " : "")}p{k} = {o}"))})");
            var anchor = string.Concat(Enumerable.Range(0, outputs.Count - 1).Select(k => $"p{k} != null ? p{k} : ")) + $"p{outputs.Count - 1}";
            w.Line($"return ElementLoops.Reduce<{spec.Name}<T, {FlagParameters}>, T>(ref kernel, n, reduction, output, ElementLoops.AlignedStart<T>({anchor}));");
            w.Close();
            if (!alwaysAligned) w.Close();
        }
        if (!alwaysAligned)
        {
            // A cheap kernel that does not stream starts at the alignment of what it stores (its outputs) or else of its
            // first input: its pairs then store or load aligned, with the same bits (ElementLoops.AlignedStart: an index
            // read from an unpinned span, a hint; 0 beyond the caches). mse_loss forward, 4,096 floats: AVX2 0.97-1.05
            // -> 0.86-0.89 of the hand loop; AVX-512, both inputs misaligned (ad hoc harness) 290 -> 241 ns per call.
            var aligned = "";
            if (cheap)
            {
                var anchors = new[] { "output" }.Concat(outputs).Concat(parameters.Where(p => p.Type == "ReadOnlySpan<T>").Take(1).Select(p => p.Name)).ToList();
                var firstNonEmpty = string.Concat(anchors.Take(anchors.Count - 1).Select(a => $"!{a}.IsEmpty ? (ReadOnlySpan<T>){a} : ")) + anchors[anchors.Count - 1];
                aligned = $", ElementLoops.AlignedStart<T>({firstNonEmpty})";
            }
            w.Line($"return ElementLoops.Reduce<{spec.Name}<T, {FlagParameters}>, T>(ref kernel, n, reduction, output{aligned});");
        }
        w.Close();
        w.Close();
    }

    private static string HasField(string name) => "_has" + Names.Pascal(name);

    /// <summary>
    /// The scalar fields a specialised kernel also holds spread over the lanes (<c>_delta256</c>): its options and
    /// gradient scales, fixed for the call. The row kernels' per-row fields change between rows and are spread where read.
    /// </summary>
    private static List<string> SpreadFields(BoundLoss loss, KernelSpec spec)
    {
        var fields = new List<string>();
        if (!spec.Specialised) return fields;
        fields.AddRange(loss.Options.Where(o => !o.IsBoolean).Select(o => Names.Field(o.Name)));
        if (spec.Upstream) fields.Add("_scale");
        foreach (var (k, gradient) in spec.Gradients)
            if (ScaleFactor(spec, gradient).Factor != 1) fields.Add(ScaleField(loss.Inputs[k].Name));
        return fields;
    }

    /// <summary>
    /// The subexpressions of a specialised kernel that depend on its numeric options alone (huber's 0.5 * delta, focal's
    /// 1 - alpha and alpha &gt;= 0): computed once per call, in the constructor, into a field (spread over the lanes for a
    /// value), where the loop computed them per vector (the JIT hoists neither a broadcast nor a scalar test out of a loop
    /// with many live vectors). The largest such subexpressions, in a stable order; none with a yes/no option, which
    /// stays a type flag the JIT folds.
    /// </summary>
    private static List<(Expr Expr, string Field)> PerCallExpressions(BoundLoss loss, KernelSpec spec)
    {
        var found = new List<(Expr Expr, string Field)>();
        if (!spec.Specialised || spec.Pair) return found;
        var seen = new HashSet<Expr>();
        void Walk(Expr e)
        {
            if (IsPerCall(e))
            {
                if (seen.Add(e)) found.Add((e, "_perCall" + found.Count));
                return;
            }
            foreach (var child in ExprWalker.Children(e)) Walk(child);
        }
        var roots = new List<Expr?> { spec.Value };
        roots.AddRange(spec.Gradients.Select(g => ScaleFactor(spec, g.Gradient).Remainder));
        roots.AddRange(spec.Hessians.Select(h => h.Hessian));
        if (spec.Value is not null && Factors(spec.Value) is { } factors) roots.AddRange(factors);
        roots.AddRange(PreconditionEmitter.Violations(loss));
        foreach (var root in roots) if (root is not null) Walk(root);
        return found;
    }

    /// <summary>An operation on numeric options and constants only, with at least one option (constants alone are folded).</summary>
    private static bool IsPerCall(Expr e) =>
        e is Unary or Binary or Call { Function: not Function.Detach } or Conditional
        && !ExprWalker.Any(e, x => x is not (Constant or BoolConstant or OptionRef { IsBoolean: false } or Unary or Binary or Call or Conditional))
        && ExprWalker.Any(e, x => x is OptionRef);

    /// <summary>A per-call scalar field at a width: in a specialised kernel its spread copy's lanes (<see cref="Width.Lanes"/>), else a broadcast.</summary>
    private static string Spread(KernelSpec spec, Width width, string field) =>
        width.IsScalar ? field : spec.Specialised ? width.Lanes(field) : width.Splat(field);

    /// <summary>
    /// A gradient c * rest, c a power of two from 2 up (the 2 (x - y) of a squared error): c folds into the call's scale
    /// (a field set once per call), so the loop multiplies once where it multiplied twice, as a hand-written loop does.
    /// Exact: a product by such a c is exact short of overflow, so the result is the same bit for bit.
    /// </summary>
    private static (double Factor, Expr Remainder) ScaleFactor(KernelSpec spec, Expr gradient) => spec.Upstream ? gradient switch
    {
        Binary { Op: BinaryOp.Multiply, Left: Constant { Value: var c }, Right: var rest } when IsScalingPowerOfTwo(c) => (c, rest),
        Binary { Op: BinaryOp.Multiply, Left: var rest, Right: Constant { Value: var c } } when IsScalingPowerOfTwo(c) => (c, rest),
        _ => (1, gradient),
    } : (1, gradient);

    private static bool IsScalingPowerOfTwo(double c) => c >= 2 && c <= 1024 && System.Math.Pow(2, System.Math.Round(System.Math.Log(c, 2))) == c;

    /// <summary>The scale field of a gradient with a folded factor: <c>_scaleInputGrad</c> (a formula name ending in <c>_grad</c> is refused, LOSS019).</summary>
    private static string ScaleField(string name) => "_scale" + Names.Pascal(name) + "Grad";

    /// <summary>The pair's first position as the spec's expressions read it: inputs at i, and i itself, in a stable order.</summary>
    private static List<Expr> OuterReads(KernelSpec spec)
    {
        var found = new HashSet<Expr>();
        var roots = new List<Expr>();
        if (spec.Value is not null) roots.Add(spec.Value);
        roots.AddRange(spec.Gradients.Select(g => g.Gradient));
        foreach (var root in roots) ExprWalker.Any(root, e => { if (e is OuterRef or OuterColumnRef) found.Add(e); return false; });
        return found.OrderBy(Order).ToList();
    }

    private static string OuterField(Expr leaf) => leaf switch
    {
        OuterRef o => "_outer" + Names.Pascal(o.Name),
        _ => "_outerColumn",
    };

    private static string OuterDescription(Expr leaf) => leaf is OuterRef o ? Names.Xml(o.Name) : "The position";

    /// <summary>An input's element at the pair's first position: its default where an optional input was left out.</summary>
    private static string OuterLoad(InputModel input, string at) => input.Default is { } d
        ? $"{HasField(input.Name)} ? {Names.Field(input.Name)}[{at}] : T.CreateTruncating({Names.Double(d)})"
        : $"{Names.Field(input.Name)}[{at}]";

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

    /// <param name="used">The local names taken (shared by a pair step's two copies); null: a body of its own.</param>
    /// <param name="stores">Where the gradient and Hessian stores go (a pair step writes them after both copies); null: <paramref name="w"/>.</param>
    /// <param name="result">The statement that ends the body with its value; null: <c>return</c>.</param>
    private static void Body(SourceWriter w, LossModel model, KernelSpec spec, Width width, System.Func<string, string> test, string? wholePowers, List<(Expr Expr, string Field)> wholeExponents, string? sum = null,
        HashSet<string>? used = null, SourceWriter? stores = null, System.Func<string, string>? result = null)
    {
        stores ??= w;
        result ??= value => $"return {value};";
        var loss = model.Loss;
        var flags = Flags(loss, spec);
        var roots = new List<Expr>();
        if (spec.Value is not null) roots.Add(spec.Value);
        roots.AddRange(spec.Gradients.Select(g => ScaleFactor(spec, g.Gradient).Remainder));
        roots.AddRange(spec.Hessians.Select(h => h.Hessian));
        // a sum step (Add): the loss's two factors, multiplied and added to the sum in one instruction
        var factors = sum is not null && spec.Value is not null ? Factors(spec.Value) ?? new Expr[0] : new Expr[0];
        roots.AddRange(factors);
        var conditions = PreconditionEmitter.Violations(loss); // require clauses on element values: checked in this pass
        roots.AddRange(conditions);

        var leaves = new HashSet<Expr>();
        foreach (var root in roots) ExprWalker.Any(root, e => { if (e is InputRef or OptionRef or AggregateRef or CoefficientRef or ClassRef or IndexRef or RowRef or RowNumberRef or ColumnRef or CachedSummand or OuterRef or OuterColumnRef) leaves.Add(e); return false; });

        used ??= new HashSet<string> { "i" };
        var locals = new Dictionary<Expr, string>();
        // One local per leaf the expressions read: a load, or a per-row or per-call scalar spread over the lanes.
        foreach (var leaf in leaves.OrderBy(Order))
        {
            (string Name, string Value)? local = leaf switch
            {
                InputRef r => (Names.Parameter(loss.Inputs[r.Index].Name), Load(loss.Inputs[r.Index], width.Load(Names.Field(loss.Inputs[r.Index].Name)), width, test)),
                ClassRef c => (Names.Parameter(loss.Inputs[c.Input].Name), Load(loss.Inputs[c.Input], width.LoadAt(Names.Field(loss.Inputs[c.Input].Name), $"{width.Index} - RowStart"), width, test)),
                OptionRef { IsBoolean: false } o => (Names.Parameter(o.Name), Spread(spec, width, Names.Field(o.Name))),
                AggregateRef a => ("a" + a.Index, width.Splat("A" + a.Index)),
                CoefficientRef c => ("c" + c.Index, width.Splat("C" + c.Index)),
                IndexRef x => (Names.Parameter(x.Name), width.Splat(RowField(x.Name))),
                RowRef x => (Names.Parameter(x.Name), width.Splat(RowField(x.Name))),
                RowNumberRef => ("row", width.Splat("CurrentRow")),
                ColumnRef => ("column", width.Column),
                // sum_pairs: the first position's values, fixed for the pass over the second
                OuterRef o => (Names.Parameter(o.Name) + "AtI", width.Splat(OuterField(o))),
                OuterColumnRef => ("positionI", width.Splat(OuterField(leaf))),
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
                OptionRef o => test(Names.Field(o.Name)), AggregateRef a => "A" + a.Index, CoefficientRef c => "C" + c.Index,
                IndexRef x => RowField(x.Name), RowRef x => RowField(x.Name), RowNumberRef => "CurrentRow",
                OuterRef or OuterColumnRef => OuterField(e), _ => null,
            },
            letNames, used, wholePowers, PerCallExpressions(loss, spec).ToDictionary(p => p.Expr, p => p.Field), wholeExponents.ToDictionary(p => p.Expr, p => p.Field),
            ExactReciprocals(spec, flags), ReciprocalFields(spec, flags).ToDictionary(p => p.Expr, p => p.Field));
        // A kernel whose wanted gradients are tested at run time (not specialised) computes what only one gradient
        // needs inside that gradient's test: a pass that does not store it does not pay for it.
        int first = spec.Value is not null ? 1 : 0;
        var deferred = spec.Specialised || spec.Stores ? new HashSet<int>() : new HashSet<int>(Enumerable.Range(first, spec.Gradients.Count));
        var texts = emitter.Emit(w, roots, deferred);
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
            w.Line($"var {weight} = {test("_hasWeight")} ? {width.Load("_weight")} : {width.One};");
        }
        if (spec.Gradients.Count > 0)
        {
            string? upstream = null;
            string Upstream(string scaleField)
            {
                var scale = Spread(spec, width, scaleField);
                var g = $"({test("_hasGradOutput")} ? {width.Load("_gradOutput")} * {scale} : {scale})";
                // a specialised kernel without a weight does not multiply by ones
                return g + (weight is null ? "" : spec.Specialised ? $" * ({test("_hasWeight")} ? {weight} : {width.One})" : " * " + weight);
            }
            if (spec.Upstream)
            {
                upstream = Unique(used, "g");
                w.Line($"var {upstream} = {Upstream("_scale")};");
            }
            foreach (var (k, gradient) in spec.Gradients)
            {
                var name = loss.Inputs[k].Name;
                var root = roots[next];
                var text = texts[next++];
                var folded = upstream is not null && ScaleFactor(spec, gradient).Factor != 1 ? Unique(used, "g") : null;
                if (folded is not null) w.Line($"var {folded} = {Upstream(ScaleField(name))};");
                string Product(string t) => upstream is null ? t : $"{folded ?? upstream} * ({t})";
                if (spec.Stores) { stores.Line(Store(spec, width, Product(text!), GradField(name))); continue; }
                if (text is not null) stores.Line($"if ({test(WantField(name))}) {Store(spec, width, Product(text), GradField(name))}");
                else if (!emitter.HasOwnLocals(root)) stores.Line($"if ({test(WantField(name))}) {Store(spec, width, Product(emitter.EmitDeferred(stores, root)), GradField(name))}");
                else
                {
                    stores.Open($"if ({test(WantField(name))})");
                    stores.Line(Store(spec, width, Product(emitter.EmitDeferred(stores, root)), GradField(name)));
                    stores.Close();
                }
            }
            foreach (var (k, _) in spec.Hessians)
            {
                var name = loss.Inputs[k].Name;
                var text = $"_hessianPolicy.Apply({texts[next++]})";
                var product = upstream is null ? text : $"{upstream} * {text}";
                stores.Line($"if ({test(WantHessField(name))}) {Store(spec, width, product, HessField(name))}");
            }
        }
        PreconditionEmitter.Checks(w, width, texts.Skip(texts.Count - conditions.Count).Select(t => t!).ToList());
        if (factors.Length == 2)
        {
            var fused = $"LossMath.MultiplyAdd({texts[next]}, {texts[next + 1]}, {sum})";
            w.Line(result(weight is null ? fused : $"{test("_hasWeight")} ? LossMath.MultiplyAdd({value}, {weight}, {sum}) : {fused}"));
            return;
        }
        w.Line(result(value is null ? width.Zero : weight is null ? value
            : spec.Specialised ? $"{test("_hasWeight")} ? {value} * {weight} : {value}" : $"{value} * {weight}"));
    }

    /// <summary>
    /// A store of a gradient or Hessian: streamed past the caches when the kernel streams and its call is large (F5), by
    /// one call whichever it is, so that the kernel's code (the inliner's measure of it) does not grow.
    /// </summary>
    private static string Store(KernelSpec spec, Width width, string value, string span) => !spec.Streams || width.IsScalar
        ? width.Store(value, span)
        : $"ElementLoops.Store<F5, T>({value}, ref MemoryMarshal.GetReference({span}), (nuint){width.Index});";

    /// <summary>A span input's value: loaded, or its default where an optional input was left out.</summary>
    private static string Load(InputModel input, string load, Width width, System.Func<string, string> test) => input.Default is { } d
        ? $"{test(HasField(input.Name))} ? {load} : {width.Splat($"T.CreateTruncating({Names.Double(d)})")}"
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
        OuterRef o => 1500 + o.Input,
        OuterColumnRef => 1999,
        _ => 4000,
    };

    private static string Unique(HashSet<string> used, string name)
    {
        var candidate = name;
        for (int k = 2; !used.Add(candidate); k++) candidate = name + k;
        return candidate;
    }
}
