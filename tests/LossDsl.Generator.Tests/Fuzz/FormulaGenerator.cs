using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace LossDsl.Generator.Tests.Fuzz;

/// <summary>
/// Random <c>.loss</c> files: expression trees over every built-in function, row function and aggregate, and every
/// construct of docs/language.md (let, if/then/else, ?:, comparisons, and/or/not, ^, unary minus, detach, clamp,
/// options with number and bool defaults, const inputs with defaults, index/class/row inputs, subscripts,
/// <c>except</c>, <c>mean by</c>/<c>mean per</c>, gradient clauses, user <c>fn</c> with and without <c>grad</c>,
/// <c>extern fn</c>). Most files follow the language's rules (so they compile and exercise the later stages);
/// <see cref="Chaos"/> of them break a rule on purpose (so the diagnostics are exercised too). The depth is kept
/// moderate: <see cref="HostileFormulas"/> covers very deep and very long text.
/// </summary>
internal sealed class FormulaGenerator
{
    /// <summary>The C# method the extern functions name; <see cref="GeneratedCode.Primitives"/> declares it.</summary>
    public const string ExternMethod = "Fuzz.Prims.Ops.Cube";

    private static readonly string[] s_names =
    {
        "x", "y", "u", "v", "p", "q", "k", "m", "c", "h", "z", "input", "target", "pred", "y_pred", "y_true", "alpha",
        "beta", "gamma", "delta", "eps", "tau", "margin", "logits", "score", "flag", "label", "mask", "temperature",
        "x_1", "my_var", "é", "δ", "Δx", "ｘ", "ñu", "变量", "a_b_c", "xx", "foo",
    };

    /// <summary>Names that meet names of the generated code: drawn now and then (<see cref="ClashRate"/>).</summary>
    private static readonly string[] s_clashingNames =
    {
        // names generated C# also uses (locals, fields, types): the generator must keep them apart
        "chunks", "chunk", "length", "loss", "result", "state", "count", "offset", "width", "lanes", "span", "vector",
        "t0", "t1", "c0", "c1", "summand0", "cached", "per", "whole", "counted", "loop", "rows_", "T", "Vector",
        "Math", "LossMath", "Reduction", "Span", "definition", "run", "forward", "backward", "kernels", "w",
        "column_", "guard", "args", "lhs", "rhs", "self", "it", "j", "o",
        // C# keywords (the API escapes them) and near-collisions of camelCase
        "double", "float", "int", "object", "base", "new", "this", "return", "params", "checked", "is", "as",
        "default", "event", "operator", "string", "var", "yPred", "x1", "myVar", "ǅ", "π",
    };

    private static readonly string[] s_lossNames =
    {
        "l", "my_loss", "huber", "fuzz", "a_b", "loss", "lossy", "rmse2", "x", "y_pred", "é_loss", "my_loss_2",
    };

    private static readonly string[] s_clashingLossNames =
    {
        // class names that meet names of the generated code or of its usings
        "reduction", "loss_math", "loss_registry", "span", "math", "definition", "run", "forward", "chunks",
        "vector256", "kernel", "element_loops", "loss_parallel", "system", "loss_dsl", "unsafe", "memory_marshal",
        "double", "object",
    };

    /// <summary>Every built-in with its arity, read from the function table (a new function is fuzzed with no edit here), and clamp.</summary>
    private static readonly (string Name, int Arity)[] s_functions =
        Calculus.Functions.All.Select(f => (f.Name, f.Arity)).Append(("clamp", 3)).ToArray();

    private readonly Random _r;
    private readonly int _maxDepth;

    /// <summary>The probability that a choice ignores the language's rules.</summary>
    public double Chaos { get; init; } = 0.02;

    /// <summary>The probability that a name is one the generated code also uses (or a C# keyword).</summary>
    public double ClashRate { get; init; } = 0.03;

    public FormulaGenerator(Random random, int maxDepth = 4)
    {
        _r = random;
        _maxDepth = maxDepth;
    }

    private enum Shape { Elementwise, Row, Whole, Function }

    private sealed record UserFunction(string Name, int Arity);

    /// <summary>What an expression may read where it is generated.</summary>
    private sealed class Context
    {
        public Shape Shape;
        public bool InAggregate;
        /// <summary>A mean clause: one value per row, no element input, no aggregate.</summary>
        public bool PerRow;
        public List<string> Elements = new();
        public List<string> Classes = new();
        public List<string> Indices = new();
        /// <summary>Readable anywhere: numeric options, row inputs, function parameters.</summary>
        public List<string> Reals = new();
        public List<string> Bools = new();
        /// <summary>let names: (name, is bool, reads element inputs).</summary>
        public List<(string Name, bool IsBool, bool Elementwise)> Lets = new();
        public List<UserFunction> Functions = new();
        public HashSet<string> Used = new(StringComparer.Ordinal);
        /// <summary>Inside a sum_pairs summand: its two position names (inputs are read as x[i], x[j]).</summary>
        public (string I, string J)? Pair;

        public bool ElementsReadable => Shape is Shape.Elementwise or Shape.Function || InAggregate;

        public Context Inside()
        {
            var c = (Context)MemberwiseClone();
            c.InAggregate = true;
            c.Lets = new List<(string, bool, bool)>(Lets);
            return c;
        }

        public Context WithLet(string name, bool isBool, bool elementwise)
        {
            var c = (Context)MemberwiseClone();
            c.Lets = new List<(string, bool, bool)>(Lets) { (name, isBool, elementwise) };
            return c;
        }
    }

    private bool Chance(double p) => _r.NextDouble() < p;
    private T Pick<T>(IReadOnlyList<T> items) => items[_r.Next(items.Count)];

    /// <summary>A whole file: doc comments, functions, one to three losses.</summary>
    public string File()
    {
        var sb = new StringBuilder();
        var functions = new List<UserFunction>();
        int fnCount = Chance(0.35) ? _r.Next(1, 3) : 0;
        for (int f = 0; f < fnCount; f++) sb.Append(Function(functions, f)).Append('\n');
        var lossNames = new HashSet<string>(StringComparer.Ordinal);
        int losses = Chance(0.75) ? 1 : _r.Next(2, 4);
        for (int l = 0; l < losses; l++)
        {
            var name = Chance(ClashRate) ? Pick(s_clashingLossNames) : Pick(s_lossNames);
            if (!lossNames.Add(Pascal(name)) && !Chance(Chaos)) { name = name + "_" + l; lossNames.Add(Pascal(name)); }
            sb.Append(Loss(name, functions)).Append('\n');
        }
        return sb.ToString();
    }

    private static string Pascal(string name) => string.Concat(name.Split('_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p.Substring(1)));

    private string Doc()
    {
        if (!Chance(0.3)) return "";
        var words = new[] { "A loss", "with <xml> & \"quotes\"", "ünïcödé", "*/ /* --", "{0} {1}", "@\"verbatim\"", "\\n", "```" };
        return "/// " + string.Join(" ", Enumerable.Range(0, _r.Next(1, 5)).Select(_ => Pick(words))) + "\n";
    }

    private string FreshName(Context ctx)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var name = Chance(ClashRate) ? Pick(s_clashingNames) : Pick(s_names);
            if (Chance(0.1)) name += "_" + _r.Next(100).ToString(CultureInfo.InvariantCulture);
            if (ctx.Used.Add(name) || Chance(Chaos)) return name;
        }
        var fallback = "n" + ctx.Used.Count.ToString(CultureInfo.InvariantCulture) + "_v";
        ctx.Used.Add(fallback);
        return fallback;
    }

    private string Function(List<UserFunction> functions, int index)
    {
        bool isExtern = Chance(0.15);
        string name = (Chance(0.5) ? "f" : "my_fn") + index.ToString(CultureInfo.InvariantCulture) + (Chance(0.2) ? "_x" : "");
        int arity = isExtern ? 1 : _r.Next(1, 4);
        var ctx = new Context { Shape = Shape.Function, Functions = new List<UserFunction>(functions) };
        var parameters = Enumerable.Range(0, arity).Select(_ => FreshName(ctx)).ToList();
        ctx.Reals.AddRange(parameters);
        var sb = new StringBuilder(Doc());
        if (isExtern)
        {
            sb.Append($"extern fn {name}({parameters[0]}) = {ExternMethod}\n    grad {parameters[0]} = 3 * {parameters[0]}^2");
        }
        else
        {
            sb.Append($"fn {name}({string.Join(", ", parameters)}) = {Real(ctx, _r.Next(1, _maxDepth))}");
            foreach (var p in parameters)
                if (Chance(0.4)) sb.Append($"\n    grad {p} = {Real(ctx, _r.Next(0, 3))}");
        }
        functions.Add(new UserFunction(name, arity));
        return sb.ToString();
    }

    private string Loss(string name, List<UserFunction> functions)
    {
        var shape = _r.NextDouble() switch { < 0.5 => Shape.Elementwise, < 0.85 => Shape.Row, _ => Shape.Whole };
        var ctx = new Context { Shape = shape, Functions = functions };
        var inputs = new List<string>();
        var optionals = new List<string>();
        var options = new List<string>();
        var differentiable = new List<string>();

        int elements = _r.Next(1, 4);
        for (int k = 0; k < elements; k++)
        {
            var n = FreshName(ctx);
            bool isConst = Chance(0.3);
            ctx.Elements.Add(n);
            if (!isConst) differentiable.Add(n);
            inputs.Add((isConst ? "const " : "") + n);
        }
        if (shape == Shape.Elementwise && Chance(0.2))
        {
            var n = FreshName(ctx);
            ctx.Elements.Add(n);
            optionals.Add($"const {n} = {Number(allowNegative: true)}");
        }
        string? ignore = null;
        var rowInputs = new List<string>();
        if (shape == Shape.Row || Chance(Chaos))
        {
            if (Chance(0.5))
            {
                var t = FreshName(ctx);
                ctx.Indices.Add(t);
                if (Chance(0.5)) { ignore = FreshName(ctx); inputs.Add($"const index {t} except {ignore}"); }
                else inputs.Add($"const index {t}");
            }
            if (Chance(0.4))
            {
                var w = FreshName(ctx);
                ctx.Classes.Add(w);
                if (Chance(0.5)) optionals.Add($"const class {w} = {Number(allowNegative: false)}");
                else inputs.Add($"const class {w}");
            }
            if (Chance(0.35))
            {
                var q = FreshName(ctx);
                ctx.Reals.Add(q);
                rowInputs.Add(q);
                inputs.Add($"const row {q}");
            }
        }
        if (ignore is not null) { options.Add($"{ignore} = {(Chance(0.5) ? "-100" : "-1")}"); ctx.Reals.Add(ignore); }
        int optionCount = _r.Next(0, 4);
        for (int k = 0; k < optionCount; k++)
        {
            var n = FreshName(ctx);
            if (Chance(0.3)) { ctx.Bools.Add(n); options.Add($"{n} = {(Chance(0.5) ? "true" : "false")}"); }
            else { ctx.Reals.Add(n); options.Add($"{n} = {Number(allowNegative: true)}"); }
        }
        if (Chance(Chaos)) options.Add(FreshName(ctx)); // an option without a default: LOSS015

        var allInputs = Shuffle(inputs).Concat(optionals).ToList();
        var sb = new StringBuilder(Doc());
        sb.Append("loss ").Append(name).Append('(').Append(string.Join(Separator(), allInputs));
        if (options.Count > 0 || Chance(0.1)) sb.Append(';').Append(Chance(0.5) ? " " : "").Append(string.Join(Separator(), options));
        sb.Append(") =").Append(Chance(0.4) ? "\n    " : " ");
        sb.Append(Body(ctx));
        if (shape == Shape.Elementwise)
        {
            foreach (var d in differentiable)
                if (Chance(0.15)) sb.Append($"\ngrad {d} = {Real(ctx, _r.Next(0, 3))}");
        }
        if (shape == Shape.Row || Chance(Chaos))
        {
            var per = ctx.Inside();
            per.InAggregate = false;
            per.PerRow = true;
            if (Chance(0.25)) sb.Append("\nmean by ").Append(Real(per, _r.Next(0, 3)));
            if (Chance(0.2)) sb.Append("\nmean per ").Append(Real(per, _r.Next(0, 3)));
        }
        int requires = Chance(0.25) ? _r.Next(1, 3) : 0;
        for (int k = 0; k < requires; k++) sb.Append(Require(ctx, rowInputs));
        if (Chance(0.2)) sb.Append("  // a comment ").Append(Pick(new[] { "(", "loss", "é", "\"", "///" }));
        return sb.ToString();
    }

    private string Separator() => _r.Next(4) switch { 0 => ",", 1 => ",\n    ", _ => ", " };

    private List<T> Shuffle<T>(List<T> items) => items.OrderBy(_ => _r.Next()).ToList();

    /// <summary>A loss body: an elementwise formula, or an outer formula over at least one aggregate.</summary>
    private string Body(Context ctx)
    {
        var body = Real(ctx, _r.Next(1, _maxDepth + 1));
        if (ctx.Shape == Shape.Row && !ContainsAggregate(body) && !Chance(Chaos))
            body = $"{Paren(body)} + {Aggregate(ctx, 1)}";
        if (ctx.Shape == Shape.Whole && !body.Contains("_all(", StringComparison.Ordinal) && !Chance(Chaos))
            body = $"{Paren(body)} * {Aggregate(ctx, 1)}";
        return body;
    }

    private static bool ContainsAggregate(string text) =>
        new[] { "sum(", "mean(", "logsumexp(", "dot(", "norm(", "[", "max(", "min(", "sum_pairs(" }.Any(a => text.Contains(a, StringComparison.Ordinal));

    private static string Paren(string s) => "(" + s + ")";

    private string Number(bool allowNegative)
    {
        string text = _r.Next(9) switch
        {
            0 => _r.Next(0, 10).ToString(CultureInfo.InvariantCulture),
            1 => (_r.NextDouble() * 4).ToString("0.###", CultureInfo.InvariantCulture),
            2 => "1e-" + _r.Next(1, 13).ToString(CultureInfo.InvariantCulture),
            3 => "2.5E+" + _r.Next(0, 3).ToString(CultureInfo.InvariantCulture),
            4 => ".5",
            5 => "0.25",
            6 => "100",
            7 => Chance(0.05) ? "1e308" : "3.",
            _ => "1",
        };
        return allowNegative && Chance(0.25) ? "-" + text : text;
    }

    /// <summary>A number-valued expression.</summary>
    private string Real(Context ctx, int depth)
    {
        if (depth <= 0 || Chance(0.15)) return RealLeaf(ctx);
        int d = depth - 1;
        switch (_r.Next(18))
        {
            case 0:
            case 1:
            case 2:
                return $"{Operand(ctx, d)} {Pick(new[] { "+", "-", "*", "/", "+", "*" })} {Operand(ctx, d)}";
            case 3:
                return $"{Operand(ctx, d)}^{(Chance(0.5) ? Pick(new[] { "2", "3", "0.5", "-1", "-0.5", "0" }) : Operand(ctx, d))}";
            case 4:
                return (Chance(0.8) ? "-" : "+") + Operand(ctx, d);
            case 5:
            case 6:
            case 7:
            {
                var (f, arity) = Pick(s_functions);
                if (Chance(Chaos)) arity = _r.Next(0, 4);
                return $"{f}({string.Join(", ", Enumerable.Range(0, arity).Select(_ => Real(ctx, d)))})";
            }
            case 8:
                return Chance(0.5)
                    ? $"if {Bool(ctx, d)} then {Real(ctx, d)} else {Real(ctx, d)}"
                    : $"{Bool(ctx, d)} ? {Real(ctx, d)} : {Real(ctx, d)}";
            case 9:
            {
                bool isBool = Chance(0.2);
                var name = FreshName(ctx);
                var value = isBool ? Bool(ctx, d) : Real(ctx, d);
                bool elementwise = ctx.InAggregate && ReadsAny(value, ctx.Elements.Concat(ctx.Classes));
                var inner = ctx.WithLet(name, isBool, elementwise);
                return $"let {name} = {value} in{(Chance(0.3) ? "\n    " : " ")}{Real(inner, d)}";
            }
            case 10:
            case 11:
                if (ctx.Shape is Shape.Row or Shape.Whole && !ctx.PerRow || Chance(Chaos)) return Aggregate(ctx, d);
                goto case 5;
            case 12:
                if (ctx.Functions.Count > 0)
                {
                    var fn = Pick(ctx.Functions);
                    int arity = Chance(Chaos) ? fn.Arity + 1 : fn.Arity;
                    return $"{fn.Name}({string.Join(", ", Enumerable.Range(0, arity).Select(_ => Real(ctx, d)))})";
                }
                goto case 0;
            case 13:
                if (ctx.PerRow && ctx.Classes.Count > 0 && ctx.Indices.Count > 0) return $"{Pick(ctx.Classes)}[{Pick(ctx.Indices)}]";
                if (ctx.Shape == Shape.Row && !ctx.PerRow && (ctx.Indices.Count > 0 || Chance(Chaos))) return Subscript(ctx);
                goto case 5;
            case 14:
                return "detach(" + Real(ctx, d) + ")";
            case 15:
                return "(" + Real(ctx, d) + ")";
            case 16:
                if (Chance(Chaos)) return Bool(ctx, d); // a condition where a number is expected: LOSS014
                goto case 3;
            default:
                return $"clamp({Real(ctx, d)}, {Number(true)}, {Number(false)})";
        }
    }

    private static bool ReadsAny(string text, IEnumerable<string> names) => names.Any(n => text.Contains(n, StringComparison.Ordinal));

    /// <summary>An operand of an operator: compound expressions in parentheses (let, if and ?: need them).</summary>
    private string Operand(Context ctx, int depth)
    {
        var e = Real(ctx, depth);
        bool simple = e.All(c => char.IsLetterOrDigit(c) || c == '_' || c == '.') || (e.EndsWith(")", StringComparison.Ordinal) && char.IsLetter(e[0]) && !e.StartsWith("let ", StringComparison.Ordinal) && !e.StartsWith("if ", StringComparison.Ordinal) && IsOneCall(e));
        return simple && !Chance(0.1) ? e : "(" + e + ")";
    }

    private static bool IsOneCall(string e)
    {
        int open = e.IndexOf('(');
        if (open < 0) return false;
        int depth = 0;
        for (int i = open; i < e.Length; i++)
        {
            if (e[i] == '(') depth++;
            else if (e[i] == ')') { depth--; if (depth == 0) return i == e.Length - 1; }
        }
        return false;
    }

    private string RealLeaf(Context ctx)
    {
        var candidates = new List<string>();
        candidates.AddRange(ctx.Reals);
        foreach (var (name, isBool, elementwise) in ctx.Lets)
            if (!isBool && (!elementwise || ctx.ElementsReadable)) candidates.Add(name);
        if (ctx.Pair is { } pair && !Chance(Chaos))
        {
            // a sum_pairs summand: inputs at either position, and the positions as numbers
            foreach (var x in ctx.Elements.Concat(ctx.Elements).Concat(ctx.Classes))
                candidates.Add($"{x}[{(Chance(0.5) ? pair.I : pair.J)}]");
            candidates.Add(Chance(0.5) ? pair.I : pair.J);
        }
        else if (!ctx.PerRow && (ctx.ElementsReadable || Chance(Chaos)))
        {
            candidates.AddRange(ctx.Elements);
            candidates.AddRange(ctx.Elements); // inputs more often than constants
            if (ctx.InAggregate) candidates.AddRange(ctx.Classes);
        }
        if (ctx.PerRow && ctx.Classes.Count > 0 && ctx.Indices.Count > 0) candidates.Add($"{Pick(ctx.Classes)}[{Pick(ctx.Indices)}]");
        if (ctx.Shape == Shape.Row && !ctx.PerRow && ctx.Indices.Count > 0) candidates.Add(Subscript(ctx));
        if (Chance(Chaos)) candidates.Add(Pick(s_clashingNames)); // perhaps undefined: LOSS010
        if (candidates.Count == 0 || Chance(0.2))
            return _r.Next(8) switch { 0 => "pi", 1 => "e", 2 when Chance(0.2) => "inf", _ => Number(allowNegative: false) };
        return Pick(candidates);
    }

    private string Subscript(Context ctx)
    {
        var pool = ctx.Elements.Concat(ctx.Classes).ToList();
        var target = pool.Count > 0 && !Chance(Chaos) ? Pick(pool) : Pick(s_names);
        var index = ctx.Indices.Count > 0 && !Chance(Chaos) ? Pick(ctx.Indices) : Pick(s_names);
        return $"{target}[{index}]";
    }

    /// <summary>An aggregate or a row function: its argument is read per element.</summary>
    private string Aggregate(Context ctx, int depth)
    {
        var inner = ctx.Inside();
        if (!Chance(Chaos)) inner.Pair = null; // a nested aggregate runs over the row on its own
        string Arg() => EnsureVaries(inner, Real(inner, Math.Max(0, depth)));
        if (ctx.Shape == Shape.Whole && !Chance(Chaos))
            return $"{(Chance(0.5) ? "sum_all" : "mean_all")}({Arg()})";
        if ((ctx.Shape == Shape.Row || Chance(Chaos)) && (ctx.Pair is null || Chance(Chaos)) && Chance(0.12))
            return PairSum(ctx, depth);
        switch (_r.Next(ctx.InAggregate ? 12 : 10))
        {
            case 0: case 1: return $"sum({Arg()})";
            case 2: return $"mean({Arg()})";
            case 3: return $"max({Arg()})";
            case 4: return $"min({Arg()})";
            case 5: return $"logsumexp({Arg()})";
            case 6: return $"dot({Arg()}, {Arg()})";
            case 7: return $"norm({Arg()})";
            case 8: return $"pnorm({Arg()}, {Pick(ctx.Reals.Append("2").Append("1.5").ToList())})";
            case 9: return Chance(0.5) && ctx.Indices.Count > 0 ? Subscript(ctx) : $"sum({Arg()})";
            default: return $"{(Chance(0.5) ? "softmax" : "log_softmax")}({Arg()})";
        }
    }

    /// <summary><c>sum_pairs(i, j: e)</c>: e reads the inputs at the two positions.</summary>
    private string PairSum(Context ctx, int depth)
    {
        var free = new[] { "i", "j", "p", "q", "u", "v" }.Where(n => !ctx.Used.Contains(n) && !ctx.Lets.Any(l => l.Name == n)).ToList();
        var (first, second) = free.Count >= 2 && !Chance(Chaos) ? (free[0], free[1]) : (Pick(s_names), Pick(s_names));
        var inner = ctx.Inside();
        inner.Pair = (first, second);
        var body = Real(inner, Math.Max(0, depth));
        if (!body.Contains('[') && ctx.Elements.Count > 0 && !Chance(Chaos)) body = $"({body}) * ({Pick(ctx.Elements)}[{first}] - {Pick(ctx.Elements)}[{second}])";
        return $"sum_pairs({first}, {second}: {body})";
    }

    /// <summary>An aggregate must read something that varies along the row.</summary>
    private string EnsureVaries(Context inner, string body)
    {
        if (ReadsAny(body, inner.Elements.Concat(inner.Classes)) || inner.Elements.Count == 0 || Chance(Chaos)) return body;
        return $"({body}) * {Pick(inner.Elements)}";
    }

    /// <summary>
    /// <c>require condition else "message"</c>: on element values and options in an elementwise loss, on options only
    /// in a row or whole loss (reading anything else there is LOSS028); the message sometimes shows an option's value
    /// (<c>{name}</c>), escapes quotes and braces, or (chaos) names something that is not an option.
    /// </summary>
    private string Require(Context ctx, List<string> rowInputs)
    {
        var req = ctx.Inside();
        req.InAggregate = ctx.Shape == Shape.Elementwise;
        if (ctx.Shape != Shape.Elementwise && !Chance(Chaos))
        {
            req.PerRow = true;
            req.Elements = new List<string>();
            req.Classes = new List<string>();
            req.Indices = new List<string>();
            req.Reals = ctx.Reals.Where(r => !rowInputs.Contains(r)).ToList();
        }
        var condition = Bool(req, _r.Next(1, 4));
        var options = ctx.Reals.Where(r => !rowInputs.Contains(r)).Concat(ctx.Bools).ToList();
        var message = _r.Next(6) switch
        {
            0 when options.Count > 0 => $"{Pick(options)} must hold, not {{{Pick(options)}}}",
            1 => "a \\\"quoted\\\" {{brace}} and a \\\\ backslash",
            2 => "é ∞ — ",
            3 when Chance(Chaos * 10) => "shows {not_an_option}",
            _ => "all elements of input should be between 0 and 1",
        };
        if (Chance(Chaos)) return $"\nrequire {condition} else {message}"; // no quotes: LOSS002
        return $"\nrequire {condition}{(Chance(0.5) ? "\n   " : "")} else \"{message}\"";
    }

    /// <summary>A condition.</summary>
    private string Bool(Context ctx, int depth)
    {
        if (depth <= 0 || Chance(0.2))
        {
            var leaves = new List<string>(ctx.Bools);
            foreach (var (name, isBool, elementwise) in ctx.Lets)
                if (isBool && (!elementwise || ctx.ElementsReadable)) leaves.Add(name);
            if (ctx.Indices.Count > 0 && ctx.Shape == Shape.Row)
                leaves.Add($"{Pick(ctx.Indices)} {Pick(new[] { "==", "!=", "<", ">=" })} {_r.Next(0, 4)}");
            if (leaves.Count == 0 || Chance(0.2)) return Chance(0.5) ? "true" : "false";
            return Pick(leaves);
        }
        int d = depth - 1;
        return _r.Next(7) switch
        {
            0 or 1 or 2 => $"{ComparisonOperand(ctx, d)} {Pick(new[] { "<", "<=", ">", ">=", "==", "!=" })} {Operand(ctx, d)}",
            3 => $"{BoolOperand(ctx, d)} and {BoolOperand(ctx, d)}",
            4 => $"{BoolOperand(ctx, d)} or {BoolOperand(ctx, d)}",
            5 => $"not {BoolOperand(ctx, d)}",
            _ => Paren(Bool(ctx, d)),
        };
    }

    private string ComparisonOperand(Context ctx, int depth)
    {
        var a = Real(ctx, depth);
        return a.StartsWith("let ", StringComparison.Ordinal) || a.StartsWith("if ", StringComparison.Ordinal) || a.Contains('?') ? Paren(a) : a;
    }

    private string BoolOperand(Context ctx, int depth)
    {
        var b = Bool(ctx, depth);
        return b.Contains(' ') ? Paren(b) : b;
    }
}
