using System;
using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;

namespace LossDsl.Generator.Emit;

/// <summary>
/// Turns expressions into C# at one <see cref="Width"/>, with common-subexpression elimination across all the roots
/// (the value and every gradient): a subexpression used twice, or named by a <c>let</c>, becomes a local, emitted
/// once, in dependency order. Real values are width-typed; conditions that depend on options only stay scalar
/// <c>bool</c>s, so <c>if</c> on an option is a plain C# conditional while <c>if</c> on data is a lane-wise select.
/// </summary>
internal sealed class ExpressionEmitter
{
    private const string Math = "LossMath";

    private readonly Width _width;
    private readonly Func<Expr, string?> _leaf;
    private readonly Func<Expr, string?> _scalarLeaf;
    private readonly IReadOnlyDictionary<Expr, string> _letNames;
    private readonly HashSet<string> _usedNames;
    private readonly Dictionary<Expr, string> _temps = new();
    private readonly Dictionary<Expr, int> _uses = new();
    private readonly HashSet<Expr> _forced = new();
    private readonly Dictionary<Expr, bool> _uniform = new();
    private readonly string? _wholePowers;
    private readonly IReadOnlyDictionary<Expr, string> _perCall;
    private readonly IReadOnlyDictionary<Expr, string> _wholeExponents;
    private readonly string? _exactReciprocals;
    private readonly IReadOnlyDictionary<Expr, string> _reciprocals;
    private readonly Dictionary<Expr, Expr> _oriented = new();
    private readonly HashSet<Expr> _written = new();
    private int _next;

    /// <param name="width">The width to emit at.</param>
    /// <param name="leaf">The local holding an input, option or coefficient at this width.</param>
    /// <param name="scalarLeaf">The scalar field or parameter holding an option (for option-only conditions).</param>
    /// <param name="letNames">Names the user gave subexpressions.</param>
    /// <param name="usedNames">Names already taken in the method.</param>
    /// <param name="wholePowers">The test (a constant of a specialised kernel) that every exponent fixed per call is a small
    /// whole number (<c>LossMath.IsSmallWhole</c>), or null: such powers then raise by multiplication (<c>PowWhole</c>).</param>
    /// <param name="perCall">Subexpressions of the options alone that the kernel computed once per call: the field holding
    /// each (a <c>bool</c>, or a <c>T</c> with its copies spread over the lanes, the field's name plus the width's suffix).</param>
    /// <param name="wholeExponents">Per-call exponents held as an <c>int</c> field (valid where <paramref name="wholePowers"/> holds).</param>
    /// <param name="exactReciprocals">The test (a constant of a specialised kernel) that every divisor fixed per call is a
    /// power of two (<c>LossMath.IsExactReciprocal</c>), or null: a division by one is then a product by its reciprocal.</param>
    /// <param name="reciprocals">Per-call divisors and the field holding each one's reciprocal (spread over the lanes).</param>
    public ExpressionEmitter(Width width, Func<Expr, string?> leaf, Func<Expr, string?> scalarLeaf, IReadOnlyDictionary<Expr, string> letNames, HashSet<string> usedNames, string? wholePowers = null, IReadOnlyDictionary<Expr, string>? perCall = null, IReadOnlyDictionary<Expr, string>? wholeExponents = null,
        string? exactReciprocals = null, IReadOnlyDictionary<Expr, string>? reciprocals = null)
    {
        _exactReciprocals = exactReciprocals;
        _reciprocals = reciprocals ?? new Dictionary<Expr, string>();
        _wholeExponents = wholeExponents ?? new Dictionary<Expr, string>();
        _wholePowers = wholePowers;
        _perCall = perCall ?? new Dictionary<Expr, string>();
        _width = width;
        _leaf = leaf;
        _scalarLeaf = scalarLeaf;
        _letNames = letNames;
        _usedNames = usedNames;
    }

    private bool IsLeaf(Expr e) => _perCall.ContainsKey(e) || e is Constant or BoolConstant or InputRef or OptionRef or AggregateRef or CoefficientRef or IndexRef or RowRef or RowNumberRef or ClassRef or ColumnRef or Gather or CachedSummand or OuterRef or OuterColumnRef;

    private bool IsUniform(Expr e)
    {
        if (_uniform.TryGetValue(e, out var u)) return u;
        u = ExprWalker.IsUniform(e);
        _uniform[e] = u;
        return u;
    }

    /// <summary>Writes the shared locals for <paramref name="roots"/> and returns each root's text.</summary>
    public List<string> Emit(SourceWriter writer, IReadOnlyList<Expr> roots) =>
        Emit(writer, roots, new HashSet<int>()).Select(t => t!).ToList();

    /// <summary>
    /// <see cref="Emit(SourceWriter, IReadOnlyList{Expr})"/> where the roots at <paramref name="deferred"/> (gradients
    /// stored under a test) are not written now: the locals only one of them uses wait for <see cref="EmitDeferred"/>,
    /// inside its test, so that a pass that does not store that gradient does not compute them. Returns the texts of the
    /// other roots (null at the deferred ones).
    /// </summary>
    public List<string?> Emit(SourceWriter writer, IReadOnlyList<Expr> roots, ISet<int> deferred)
    {
        roots = roots.Select(Orient).ToList();
        foreach (var root in roots) Count(root);
        // how many deferred roots reach each subexpression: one alone keeps it to itself
        var reach = new Dictionary<Expr, int>();
        foreach (int k in deferred)
        {
            var seen = new HashSet<Expr>();
            ExprWalker.Any(roots[k], e => { if (IsTemp(e)) seen.Add(e); return false; });
            foreach (var e in seen) reach[e] = reach.TryGetValue(e, out var n) ? n + 1 : 1;
        }
        for (int k = 0; k < roots.Count; k++)
            if (!deferred.Contains(k)) Declare(writer, roots[k]);
        foreach (int k in deferred.OrderBy(k => k)) Declare(writer, roots[k], e => reach.TryGetValue(e, out var n) && n > 1);
        return roots.Select((r, k) => deferred.Contains(k) ? null : Text(r, top: true)).ToList();
    }

    /// <summary>Whether <paramref name="root"/> still has locals of its own to write (see <see cref="EmitDeferred"/>).</summary>
    public bool HasOwnLocals(Expr root)
    {
        root = Orient(root);
        bool any = false;
        ExprWalker.Any(root, e => { if (!_temps.ContainsKey(e) && !(e.IsBool && IsUniform(e)) && IsTemp(e)) any = true; return any; });
        return any;
    }

    /// <summary>Writes a deferred root's own locals (in its block) and returns its text.</summary>
    public string EmitDeferred(SourceWriter writer, Expr root)
    {
        root = Orient(root);
        Declare(writer, root);
        return Text(root, top: true);
    }


    /// <summary>
    /// The expression with every sum and product whose operands were first written the other way round (focal loss's
    /// gradient holds both p * (1 - p) and (1 - p) * p) written that way, so that both share one local. IEEE addition
    /// and multiplication commute exactly, so the value is the same bit for bit. A let-named or per-call subexpression
    /// keeps its own form (and its name).
    /// </summary>
    private Expr Orient(Expr e)
    {
        if (_oriented.TryGetValue(e, out var done)) return done;
        if (_letNames.ContainsKey(e) || _perCall.ContainsKey(e) || _wholeExponents.ContainsKey(e) || IsLeaf(e)) { _written.Add(e); return _oriented[e] = e; }
        var oriented = ExprWalker.MapChildren(e, Orient);
        if (oriented is Binary { Op: BinaryOp.Add or BinaryOp.Multiply } b && !_written.Contains(b))
        {
            var swapped = new Binary(b.Op, b.Right, b.Left);
            if (_written.Contains(swapped)) oriented = swapped;
        }
        _written.Add(oriented);
        return _oriented[e] = oriented;
    }

    private void Count(Expr e)
    {
        if (e is Call { Function: Function.Detach } d) { Count(d.Argument); return; }
        if (e.IsBool && IsUniform(e)) return; // scalar conditions are emitted inline
        _uses.TryGetValue(e, out var n);
        _uses[e] = n + 1;
        if (n > 0 || _perCall.ContainsKey(e)) return;
        if (e is Binary { Op: BinaryOp.Power, Right: Constant c } p && IsSmallInteger(c.Value) && !IsLeaf(p.Left)) _forced.Add(p.Left);
        foreach (var child in ExprWalker.Children(e)) Count(child);
    }

    private bool IsTemp(Expr e) =>
        !IsLeaf(e) && !(e.IsBool && IsUniform(e)) && e is not Call { Function: Function.Detach }
        && (_uses.TryGetValue(e, out var n) && n > 1 || _letNames.ContainsKey(e) || _forced.Contains(e));

    private void Declare(SourceWriter writer, Expr e, Func<Expr, bool>? now = null)
    {
        if (_temps.ContainsKey(e) || (e.IsBool && IsUniform(e)) || _perCall.ContainsKey(e)) return;
        foreach (var child in ExprWalker.Children(e)) Declare(writer, child, now);
        if (!IsTemp(e) || (now is not null && !now(e))) return;
        var name = NewName(e);
        writer.Line($"var {name} = {Build(e, top: true)};");
        _temps[e] = name;
    }

    private string NewName(Expr e)
    {
        string name = _letNames.TryGetValue(e, out var let) ? Names.Parameter(let) : "t" + _next++;
        var candidate = name;
        for (int k = 2; !_usedNames.Add(candidate); k++) candidate = name + k;
        return candidate;
    }

    /// <summary>-e; an operand that starts with '-' is parenthesized, since "--e" would be C#'s decrement.</summary>
    private static string Negated(string operand) => operand.StartsWith("-", StringComparison.Ordinal) ? "-(" + operand + ")" : "-" + operand;

    private static bool IsSmallInteger(double value) => value == System.Math.Floor(value) && System.Math.Abs(value) <= 4 && value != 0;

    private string ConstantText(double value) => value switch
    {
        0 => _width.Zero,
        1 => _width.One,
        _ => _width.Splat($"T.CreateTruncating({Names.Double(value)})"),
    };

    private string Text(Expr e, bool top = false) => _temps.TryGetValue(e, out var temp) ? temp : Build(e, top);

    /// <summary>The expression's own text (its children may be temps).</summary>
    private string Build(Expr e, bool top)
    {
        if (e.IsBool && IsUniform(e)) return ScalarText(e, top);
        if (_perCall.TryGetValue(e, out var field)) return _width.Lanes(field);
        string Wrap(string s) => top ? s : "(" + s + ")";
        switch (e)
        {
            case Constant c: return ConstantText(c.Value);
            case InputRef or OptionRef or AggregateRef or CoefficientRef or IndexRef or RowRef or RowNumberRef or ClassRef or ColumnRef or Gather or CachedSummand or OuterRef or OuterColumnRef:
                return _leaf(e) ?? throw new InvalidOperationException("No local for " + e);
            case Unary { Op: UnaryOp.Negate } u: return Negated(Text(u.Operand));
            case Unary u: return $"{Math}.Not({Text(u.Operand, true)})";
            case Binary b: return BinaryText(b, Wrap);
            case Call { Function: Function.Detach } d: return Text(d.Argument, top);
            // log1p(exp(-|u|)), softplus's and log_sigmoid's (Lowering): the argument is in [0, 1], where a cheaper log1p holds
            case Call { Function: Function.Log1p } c when c.Arguments[0] is Call { Function: Function.Exp } exp && exp.Arguments[0] is Unary { Op: UnaryOp.Negate, Operand: Call { Function: Function.Abs } }:
                return $"{Math}.Log1pUnit({Text(c.Arguments[0], true)})";
            // min / max with a constant side (a hinge's max(u, 0), a clamp's bounds): one or two instructions where the general
            // case takes about seven (the constant is not NaN, so only the other side's NaN and a tie of zeros need care)
            case Call { Function: Function.Min or Function.Max } c when ConstantSide(c) is (Expr other, double constant):
            {
                var name = c.Function == Function.Max ? "Max" : "Min";
                return constant == 0
                    ? $"{Math}.{name}Zero({Text(other, true)})"
                    : $"{Math}.{name}Constant({Text(other, true)}, {ConstantText(constant)})";
            }
            case Call c: return $"{Math}.{Functions.RuntimeName(c.Function)}({string.Join(", ", c.Arguments.Select(a => Text(a, true)))})";
            case ExternCall c: return $"global::{c.Method}({string.Join(", ", c.Arguments.Select(a => Text(a, true)))})";
            case Conditional c when IsUniform(c.Condition):
                return Wrap($"{ScalarText(c.Condition, true)} ? {Text(c.Then, true)} : {Text(c.Else, true)}");
            // if option and data then a else b, b a constant: the option decides first, so a is not computed when it is off.
            case Conditional { Condition: Binary { Op: BinaryOp.And } and, Else: Constant or AggregateRef or OptionRef } c
                when IsUniform(and.Left) != IsUniform(and.Right):
            {
                var (uniform, varying) = IsUniform(and.Left) ? (and.Left, and.Right) : (and.Right, and.Left);
                var otherwise = Text(c.Else, true);
                return Wrap($"{ScalarText(uniform, true)} ? {Math}.Select({Text(varying, true)}, {Text(c.Then, true)}, {otherwise}) : {otherwise}");
            }
            // a side 0 (emitted as +0 as everywhere): the mask clears the lanes (one and / andn) where a blend also needs the zero in a register
            case Conditional { Else: Constant { Value: 0 } } c:
                return $"{Math}.SelectOrZero({Text(c.Condition, true)}, {Text(c.Then, true)})";
            case Conditional { Then: Constant { Value: 0 } } c:
                return $"{Math}.ZeroOrSelect({Text(c.Condition, true)}, {Text(c.Else, true)})";
            case Conditional c:
                return $"{Math}.Select({Text(c.Condition, true)}, {Text(c.Then, true)}, {Text(c.Else, true)})";
            default:
                throw new InvalidOperationException("Cannot emit " + e.GetType().Name);
        }
    }

    /// <summary>A min / max call's non-constant argument and its constant one (not NaN, -0 read as +0), or null.</summary>
    private static (Expr Other, double Constant)? ConstantSide(Call c)
    {
        if (c.Arguments.Count != 2) return null;
        var (a, b) = (c.Arguments[0], c.Arguments[1]);
        if (a is Constant && b is not Constant) (a, b) = (b, a);
        if (a is Constant || b is not Constant { Value: var k } || double.IsNaN(k)) return null;
        return (a, k == 0 ? 0 : k);
    }

    private string BinaryText(Binary b, Func<string, string> wrap)
    {
        switch (b.Op)
        {
            case BinaryOp.Add: return wrap($"{Text(b.Left)} + {Text(b.Right)}");
            case BinaryOp.Subtract: return wrap($"{Text(b.Left)} - {Text(b.Right)}");
            case BinaryOp.Multiply: return wrap($"{Text(b.Left)} * {Text(b.Right)}");
            case BinaryOp.Divide:
                // A quotient by a power of two is the product by its reciprocal, the same bits (both are exact scalings,
                // rounded once): a multiply costs a fraction of a divide. A constant divisor is known here; one fixed per
                // call, where the call has found it so (a type flag).
                if (b.Right is Constant { Value: var c } && IsExactReciprocal(c)) return wrap($"{Text(b.Left)} * {ConstantText(1 / c)}");
                if (_exactReciprocals is not null && !_width.IsScalar && _reciprocals.TryGetValue(b.Right, out var reciprocal))
                    return wrap($"{_exactReciprocals} ? {Text(b.Left)} * {_width.Lanes(reciprocal)} : {Text(b.Left)} / {Text(b.Right)}");
                return wrap($"{Text(b.Left)} / {Text(b.Right)}");
            case BinaryOp.Power: return PowerText(b.Left, b.Right, wrap);
            case BinaryOp.And or BinaryOp.Or:
            {
                bool and = b.Op == BinaryOp.And;
                // A scalar (option-only) side combines with a lane mask through a C# conditional.
                if (IsUniform(b.Left) || IsUniform(b.Right))
                {
                    var (u, m) = IsUniform(b.Left) ? (b.Left, b.Right) : (b.Right, b.Left);
                    if (_width.IsScalar) return wrap($"{ScalarText(u)} {(and ? "&&" : "||")} {Text(m)}");
                    return and ? wrap($"{ScalarText(u)} ? {Text(m, true)} : {_width.Zero}") : wrap($"{ScalarText(u)} ? {_width.AllBitsSet} : {Text(m, true)}");
                }
                return $"{Math}.{(and ? "And" : "Or")}({Text(b.Left, true)}, {Text(b.Right, true)})";
            }
            default:
                var compare = b.Op switch
                {
                    BinaryOp.Less => "LessThan", BinaryOp.LessEqual => "LessThanOrEqual", BinaryOp.Greater => "GreaterThan",
                    BinaryOp.GreaterEqual => "GreaterThanOrEqual", BinaryOp.Equal => "Equal", _ => "NotEqual",
                };
                return $"{Math}.{compare}({Text(b.Left, true)}, {Text(b.Right, true)})";
        }
    }

    private string PowerText(Expr @base, Expr exponent, Func<string, string> wrap)
    {
        if (exponent is Constant c)
        {
            if (IsSmallInteger(c.Value))
            {
                var b = Text(@base);
                var product = string.Join(" * ", Enumerable.Repeat(b, (int)System.Math.Abs(c.Value)));
                return c.Value > 0 ? wrap(product) : wrap($"{_width.One} / ({product})");
            }
            if (c.Value == 0.5) return $"{Math}.Sqrt({Text(@base, true)})";
        }
        // An exponent fixed per call (an option, focal's gamma): where the call has found it a small whole number, x^k by
        // multiplication, with no call in the loop (Pow keeps its general case out of line: a call spills every vector).
        if (_wholePowers is not null && !_width.IsScalar && IsPerCallOperand(exponent))
            return wrap($"{_wholePowers} ? {Math}.PowWhole({Text(@base, true)}, {(_wholeExponents.TryGetValue(exponent, out var whole) ? whole : ScalarText(exponent, true))}) : {Math}.Pow({Text(@base, true)}, {Text(exponent, true)})");
        return $"{Math}.Pow({Text(@base, true)}, {Text(exponent, true)})";
    }

    /// <summary>A power of two whose reciprocal is a normal number: x / c is then exactly x * (1 / c) (LossMath.IsExactReciprocal).</summary>
    private static bool IsExactReciprocal(double c)
    {
        if (c == 0 || double.IsNaN(c) || double.IsInfinity(c)) return false;
        int exponent = (int)System.Math.Round(System.Math.Log(System.Math.Abs(c), 2));
        return System.Math.Abs(exponent) <= 126 && System.Math.Abs(c) == System.Math.Pow(2, exponent);
    }

    /// <summary>An operand the same for every element of a call (an exponent, a divisor): options and constants only (not a constant itself).</summary>
    public static bool IsPerCallOperand(Expr exponent) =>
        exponent is not Constant && !ExprWalker.Any(exponent, x => x is not (OptionRef { IsBoolean: false } or Constant or Unary { Op: UnaryOp.Negate } or Binary { Op: BinaryOp.Add or BinaryOp.Subtract or BinaryOp.Multiply or BinaryOp.Divide }));

    /// <summary>An option-only expression as scalar C# (<c>T</c> or <c>bool</c>), reading option fields or parameters.</summary>
    public string ScalarText(Expr e, bool top = false)
    {
        if (_perCall.TryGetValue(e, out var field)) return field;
        string Wrap(string s) => top ? s : "(" + s + ")";
        switch (e)
        {
            case Constant c: return c.Value switch { 0 => "T.Zero", 1 => "T.One", _ => $"T.CreateTruncating({Names.Double(c.Value)})" };
            case BoolConstant b: return b.Value ? "true" : "false";
            case OptionRef or AggregateRef or CoefficientRef or InputRef or IndexRef or RowRef or RowNumberRef or Gather or OuterRef or OuterColumnRef: return _scalarLeaf(e) ?? throw new InvalidOperationException("No scalar for " + e);
            case Unary { Op: UnaryOp.Negate } u: return Negated(ScalarText(u.Operand));
            case Unary u: return "!" + ScalarText(u.Operand);
            case Binary b:
                var op = b.Op switch
                {
                    BinaryOp.Add => "+", BinaryOp.Subtract => "-", BinaryOp.Multiply => "*", BinaryOp.Divide => "/",
                    BinaryOp.Less => "<", BinaryOp.LessEqual => "<=", BinaryOp.Greater => ">", BinaryOp.GreaterEqual => ">=",
                    BinaryOp.Equal => "==", BinaryOp.NotEqual => "!=", BinaryOp.And => "&&", BinaryOp.Or => "||",
                    _ => null,
                };
                if (op is null) return $"{Math}.Pow({ScalarText(b.Left, true)}, {ScalarText(b.Right, true)})";
                return Wrap($"{ScalarText(b.Left)} {op} {ScalarText(b.Right)}");
            case Call { Function: Function.Detach } d: return ScalarText(d.Argument, top);
            case Call c: return $"{Math}.{Functions.RuntimeName(c.Function)}({string.Join(", ", c.Arguments.Select(a => ScalarText(a, true)))})";
            case ExternCall c: return $"global::{c.Method}({string.Join(", ", c.Arguments.Select(a => ScalarText(a, true)))})";
            case Conditional c: return Wrap($"{ScalarText(c.Condition, true)} ? {ScalarText(c.Then, true)} : {ScalarText(c.Else, true)}");
            default: throw new InvalidOperationException("Cannot emit " + e.GetType().Name);
        }
    }
}
