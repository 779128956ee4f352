using System;
using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Model;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Semantics;

/// <summary>
/// Resolves names, checks types (real vs bool), checks options and aggregates, and lowers syntax to <see cref="Expr"/>.
/// Collects diagnostics and returns null for a loss it cannot bind; it never throws on bad input.
/// </summary>
internal sealed partial class Binder
{
    /// <summary>
    /// The parameters the public API declares for itself, by loss shape, as camelCase: an input or option whose C# name
    /// is one of these would clash in the method signature (LOSS019). Nothing else is reserved: the implementation's own
    /// names cannot collide with a formula name (see <see cref="Emit.Names.Camel"/>).
    /// </summary>
    private static IReadOnlyDictionary<string, string> SignatureNames(LossShape shape) => shape switch
    {
        LossShape.Elementwise => new Dictionary<string, string>
        {
            ["reduction"] = "the reduction parameter", ["output"] = "the per-element output span", ["gradOutput"] = "the upstream gradient",
            ["weight"] = "the per-element weights of elementwise losses", ["hessianPolicy"] = "the Hessian policy of GradientHessian",
        },
        LossShape.Row => new Dictionary<string, string>
        {
            ["reduction"] = "the reduction parameter", ["output"] = "the per-row output span", ["gradOutput"] = "the upstream gradient",
            ["rowLength"] = "the row length of row losses",
        },
        _ => new Dictionary<string, string> { ["gradOutput"] = "the upstream gradient" },
    };

    /// <summary>The position of the current element in its row (0, 1, ...), inside row aggregates; a declared name shadows it.</summary>
    public const string ColumnName = "column";

    /// <summary>The number of the current row (0, 1, ...) of a row loss; a declared name shadows it.</summary>
    public const string RowName = "row";

    private static readonly IReadOnlyDictionary<string, double> s_constants = new Dictionary<string, double>
    {
        ["pi"] = Math.PI,
        ["e"] = Math.E,
        ["inf"] = double.PositiveInfinity,
    };

    private readonly FormulaSource _source;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly List<NamedExpr> _names = new();
    private readonly Dictionary<string, Expr> _scope = new(StringComparer.Ordinal);
    private bool _failed;

    private readonly IReadOnlyDictionary<string, FunctionSyntax> _functions;
    private readonly Dictionary<string, (Expr? Body, Expr?[] Gradients)?> _templates = new(StringComparer.Ordinal);
    private readonly HashSet<string> _binding;

    private Binder(FormulaSource source, List<DiagnosticInfo> diagnostics, IReadOnlyDictionary<string, FunctionSyntax> functions, HashSet<string>? binding = null)
    {
        _source = source;
        _diagnostics = diagnostics;
        _functions = functions;
        _binding = binding ?? new HashSet<string>(StringComparer.Ordinal);
    }

    public static BoundLoss? Bind(FormulaSource source, LossSyntax loss, List<DiagnosticInfo> diagnostics, IReadOnlyDictionary<string, FunctionSyntax>? functions = null) =>
        new Binder(source, diagnostics, functions ?? new Dictionary<string, FunctionSyntax>()).BindLoss(loss);

    /// <summary>Binds a function on its own, reporting what is wrong in it (uses of a broken function fail quietly).</summary>
    public static void CheckFunction(FormulaSource source, FunctionSyntax function, List<DiagnosticInfo> diagnostics, IReadOnlyDictionary<string, FunctionSyntax> functions) =>
        new Binder(source, diagnostics, functions).BindFunction(function);

    /// <summary>A function's body and stated gradients over <see cref="ParamRef"/>s, or null when it does not bind.</summary>
    private (Expr? Body, Expr?[] Gradients)? BindFunction(FunctionSyntax fn)
    {
        var declared = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; k < fn.Parameters.Count; k++)
        {
            if (!declared.Add(fn.Parameters[k])) Report(DiagnosticDescriptorRef.DuplicateName, fn.ParameterRanges[k], fn.Parameters[k]);
            _scope[fn.Parameters[k]] = new ParamRef(k, fn.Parameters[k]);
        }
        _binding.Add(fn.Name);
        var body = fn.Body is null ? null : BindReal(fn.Body);
        if (body is not null && ExprWalker.Any(body, e => e is Aggregate or Gather))
            Report(DiagnosticDescriptorRef.BadFunction, fn.Body!.Range, $"'{fn.Name}' is elementwise: its body cannot use aggregates or subscripts");
        var gradients = new Expr?[fn.Parameters.Count];
        bool rowFunction = IsRowFunction(fn);
        if (rowFunction && fn.Extern is null)
            Report(DiagnosticDescriptorRef.BadFunction, fn.NameRange, $"Only an extern function can take a 'row' parameter: '{fn.Name}' has a body");
        var stated = new bool[fn.Parameters.Count];
        foreach (var clause in fn.Gradients)
        {
            int index = Enumerable.Range(0, fn.Parameters.Count).Where(k => fn.Parameters[k] == clause.Input).DefaultIfEmpty(-1).First();
            var gradient = clause.Expression is null ? null : BindReal(clause.Expression);
            if (gradient is not null && ExprWalker.Any(gradient, e => e is Aggregate or Gather or RowCall))
                Report(DiagnosticDescriptorRef.BadFunction, clause.Expression!.Range, $"'{fn.Name}' is elementwise: its gradient clauses cannot use aggregates, row functions or subscripts");
            if (index < 0) { Report(DiagnosticDescriptorRef.UnknownName, clause.InputRange, clause.Input); continue; }
            if (stated[index]) { Report(DiagnosticDescriptorRef.DuplicateName, clause.InputRange, clause.Input); continue; }
            stated[index] = true;
            bool row = fn.RowParameters.Count > index && fn.RowParameters[index];
            if (row && clause.Method is null)
                Report(DiagnosticDescriptorRef.BadFunction, clause.Range, $"'{clause.Input}' is a row: its gradient is a C# method that adds it to the row's gradient ('grad {clause.Input} = Namespace.Type.Method')");
            else if (!row && clause.Method is not null)
                Report(DiagnosticDescriptorRef.BadFunction, clause.Range, $"'{clause.Input}' is a number: its gradient is an expression, not a method");
            else if (rowFunction && !row)
                Report(DiagnosticDescriptorRef.BadFunction, clause.InputRange, $"The number parameters of the row function '{fn.Name}' have no gradient: pass them per-row values that do not depend on a differentiable input");
            gradients[index] = gradient;
        }
        if (fn.Extern is not null && Enumerable.Range(0, fn.Parameters.Count).Any(k => !stated[k] && (!rowFunction || fn.RowParameters[k])))
            Report(DiagnosticDescriptorRef.BadFunction, fn.NameRange, rowFunction
                ? $"The row function '{fn.Name}' is computed in C#: state the gradient method of every row parameter ('grad name = Namespace.Type.Method')"
                : $"The extern function '{fn.Name}' is computed in C#: state the gradient of every parameter ('grad name = ...')");
        return _failed ? null : (body, gradients);
    }

    private static bool IsRowFunction(FunctionSyntax fn) => fn.RowParameters.Any(r => r);

    /// <summary>A function's template, bound once per loss in its own scope; errors were reported by <see cref="CheckFunction"/>.</summary>
    private (Expr? Body, Expr?[] Gradients)? Template(FunctionSyntax fn, TextRange use)
    {
        if (_templates.TryGetValue(fn.Name, out var cached)) return cached;
        if (_binding.Contains(fn.Name))
        {
            Report(DiagnosticDescriptorRef.BadFunction, use, $"'{fn.Name}' calls itself: functions cannot be recursive");
            return null;
        }
        var quiet = new List<DiagnosticInfo>();
        var template = new Binder(_source, quiet, _functions, _binding).BindFunction(fn);
        _binding.Remove(fn.Name);
        if (quiet.Any(d => d.Id == Descriptors.BadFunction.Id && d.Arguments.Count > 0 && d.Arguments[0].Contains("calls itself")))
            _diagnostics.AddRange(quiet.Where(d => d.Arguments.Count > 0 && d.Arguments[0].Contains("calls itself")));
        _templates[fn.Name] = template;
        return template;
    }

    private SourceSpan Locate(TextRange range) => _source.Map.Locate(_source.Path, _source.Text, range.Start, range.Length);

    private void Report(DiagnosticDescriptorRef descriptor, TextRange range, params string[] args)
    {
        if (descriptor.IsError) _failed = true;
        _diagnostics.Add(new DiagnosticInfo(descriptor.Id, Locate(range), args.ToEquatableArray()));
    }

    private BoundLoss? BindLoss(LossSyntax loss)
    {
        var inputs = new List<InputModel>();
        var options = new List<OptionModel>();
        var declared = new HashSet<string>(StringComparer.Ordinal);

        foreach (var input in loss.Inputs)
        {
            if (!CheckDeclaredName(input.Name, new TextRange(input.Range.End - input.Range.Length, input.Range.Length), declared)) continue;
            double? @default = null;
            if (input.Default is not null)
            {
                if (input.Kind is InputKind.Index or InputKind.Row or InputKind.Labels)
                    Report(DiagnosticDescriptorRef.BadDefault, input.Default.Range, $"A {input.Kind.ToString().ToLowerInvariant()} input has one value per row and no default");
                else if (!input.IsConst)
                    Report(DiagnosticDescriptorRef.BadDefault, input.Default.Range, $"Only a 'const' input can have a default value; declare 'const {input.Name}'");
                else if (LiteralValue(input.Default, out var value, out var isBool) && !isBool)
                    @default = value;
                else
                    Report(DiagnosticDescriptorRef.BadDefault, input.Default.Range, $"The default of input '{input.Name}' must be a number");
            }
            _scope[input.Name] = input.Kind switch
            {
                InputKind.Index => new IndexRef(inputs.Count, input.Name),
                InputKind.Row => new RowRef(inputs.Count, input.Name),
                InputKind.Class => new ClassRef(inputs.Count, input.Name),
                InputKind.Labels => new ListRef(inputs.Count, input.Name),
                _ => new InputRef(inputs.Count, input.Name),
            };
            if (input.Kind != InputKind.Element && !input.IsConst)
                Report(DiagnosticDescriptorRef.BadInputKind, input.Range, $"{(input.Kind == InputKind.Index ? "An" : "A")} {input.Kind.ToString().ToLowerInvariant()} input has no gradient: declare it 'const {input.Kind.ToString().ToLowerInvariant()} {input.Name}'");
            if (input.Except is not null && input.Kind != InputKind.Index)
                Report(DiagnosticDescriptorRef.BadInputKind, input.ExceptRange, "'except' belongs to an index input: the rows whose index equals the option are left out");
            inputs.Add(new InputModel(input.Name, input.IsConst, @default) { Kind = input.Kind, Except = input.Except });
        }
        foreach (var option in loss.Options)
        {
            if (!CheckDeclaredName(option.Name, option.Range, declared)) continue;
            if (option.Default is null)
            {
                Report(DiagnosticDescriptorRef.BadDefault, option.Range, $"The option '{option.Name}' needs a default value: options are written 'name = value'");
                continue;
            }
            if (!LiteralValue(option.Default, out var value, out var isBool))
            {
                Report(DiagnosticDescriptorRef.BadDefault, option.Default.Range, $"The default of option '{option.Name}' must be a number, true or false");
                continue;
            }
            _scope[option.Name] = new OptionRef(options.Count, option.Name, isBool);
            options.Add(new OptionModel(option.Name, isBool, value));
        }
        foreach (var input in loss.Inputs.Where(i => i.Except is not null))
            if (!options.Any(o => o.Name == input.Except && !o.IsBoolean))
                Report(DiagnosticDescriptorRef.BadInputKind, input.ExceptRange, $"'{input.Except}' is not a numeric option of this loss");
        if (inputs.Count > 0 && !inputs.Any(i => i.IsElement))
            Report(DiagnosticDescriptorRef.BadInputKind, loss.NameRange, "A loss needs at least one element input (one value per element)");

        var body = BindReal(loss.Body);
        var meanBy = BindMeanClause(loss.MeanBy, "by");
        var meanPer = BindMeanClause(loss.MeanPer, "per");
        var gradients = new Expr?[inputs.Count];
        foreach (var clause in loss.Gradients)
        {
            int index = inputs.FindIndex(i => i.Name == clause.Input);
            var gradient = BindReal(clause.Expression!);
            if (index < 0) { Report(DiagnosticDescriptorRef.UnknownName, clause.InputRange, clause.Input); continue; }
            if (inputs[index].IsConst) { Report(DiagnosticDescriptorRef.BadGradient, clause.InputRange, $"'{clause.Input}' is const: it has no gradient to declare"); continue; }
            if (gradients[index] is not null) { Report(DiagnosticDescriptorRef.DuplicateName, clause.InputRange, clause.Input); continue; }
            if (gradient is not null && ExprWalker.Any(gradient, e => e is Aggregate)) { Report(DiagnosticDescriptorRef.BadGradient, clause.Expression!.Range, "a gradient clause is elementwise: it cannot use sum(...) or mean(...)"); continue; }
            gradients[index] = gradient;
        }
        if (_failed || body is null) return null;
        if (ExprBudget.Check(new[] { body }, "formula") is { } tooBig)
        {
            Report(DiagnosticDescriptorRef.TooComplex, loss.Body.Range, tooBig);
            return null;
        }

        // Lift the aggregates out: the body becomes the outer formula of a row (or whole) loss.
        var aggregates = new List<AggregateModel>();
        var outer = Lift(body, aggregates);
        var shape = aggregates.Count == 0 ? LossShape.Elementwise
            : aggregates[0].Kind is AggregateKind.SumAll or AggregateKind.MeanAll ? LossShape.Whole : LossShape.Row;
        if (aggregates.Select(a => a.Kind is AggregateKind.SumAll or AggregateKind.MeanAll).Distinct().Count() > 1)
        {
            Report(DiagnosticDescriptorRef.AggregateMisuse, loss.Body.Range, "A loss cannot mix row aggregates (sum, mean) with whole aggregates (sum_all, mean_all)");
            return null;
        }
        if (shape != LossShape.Row && inputs.FirstOrDefault(i => !i.IsElement) is { } perRow)
        {
            Report(DiagnosticDescriptorRef.BadInputKind, loss.Inputs.First(i => i.Name == perRow.Name).Range,
                $"'{perRow.Name}' is a{(perRow.Kind == InputKind.Index ? "n" : "")} {perRow.Kind.ToString().ToLowerInvariant()} input: those belong to row losses (with sum, mean, max, min or a subscript), not to elementwise or whole losses");
            return null;
        }
        if (shape == LossShape.Elementwise && (loss.MeanBy ?? loss.MeanPer) is { } meanClause)
        {
            Report(DiagnosticDescriptorRef.AggregateMisuse, meanClause.Range, $"'mean {(loss.MeanBy is null ? "per" : "by")}' belongs to row losses");
            return null;
        }
        var signature = SignatureNames(shape);
        foreach (var (name, range) in loss.Inputs.Select(i => (i.Name, i.Range)).Concat(loss.Options.Select(o => (o.Name, o.Range))))
            if (signature.TryGetValue(Emit.Names.PublicCamel(name), out var use))
                Report(DiagnosticDescriptorRef.ReservedName, range, name, use);
        if (_failed) return null;
        if (shape != LossShape.Row && (ExprWalker.Any(outer, e => e is RowNumberRef) || aggregates.Any(a => ExprWalker.Any(a.Body, e => e is RowNumberRef))))
        {
            Report(DiagnosticDescriptorRef.AggregateMisuse, loss.Body.Range, $"'{RowName}' is the number of the current row: it belongs to row losses (with sum, mean, max, min or a subscript)");
            return null;
        }
        if (ExprWalker.Any(outer, e => e is ColumnRef))
        {
            Report(DiagnosticDescriptorRef.AggregateMisuse, loss.Body.Range, $"'{ColumnName}' is the position of an element in its row: use it inside sum(...), mean(...), max(...), min(...) or a subscripted expression");
            return null;
        }
        if (shape != LossShape.Elementwise && ExprWalker.Any(outer, e => e is InputRef or ClassRef))
        {
            Report(DiagnosticDescriptorRef.AggregateMisuse, loss.Body.Range, "An input is read outside sum(...)/mean(...): in a loss with aggregates every input must be inside one");
            return null;
        }
        if (shape != LossShape.Elementwise && loss.Hessian is { } hessian)
        {
            Report(DiagnosticDescriptorRef.BadHessian, hessian.Range, "Only elementwise losses have generated second derivatives: a 'hessian' clause belongs to them");
            return null;
        }
        if (shape != LossShape.Elementwise && loss.Gradients.Count > 0)
        {
            Report(DiagnosticDescriptorRef.BadGradient, loss.Gradients[0].InputRange, "gradient clauses are supported on elementwise losses only");
            return null;
        }
        var requires = BindRequires(loss, shape, inputs, options);
        var shapeRules = BindShapes(loss, inputs, options);
        if (_failed) return null;

        string declaration = _source.Text.Substring(loss.Range.Start, Math.Min(loss.Range.Length, _source.Text.Length - loss.Range.Start));
        return new BoundLoss(loss.Name, loss.Documentation, declaration, inputs.ToEquatableArray(), options.ToEquatableArray(),
            shape, outer, aggregates.ToEquatableArray(), LiftNames(_names, aggregates).Distinct().ToEquatableArray(), gradients.ToEquatableArray())
            {
                MeanBy = meanBy, MeanPer = meanPer, Subscripted = _subscripted.OrderBy(x => x, StringComparer.Ordinal).ToEquatableArray(),
                Hessian = loss.Hessian is { } hessianClause ? hessianClause with { Range = default } : null,
                Requires = requires,
                ShapeRules = shapeRules,
            };
    }

    /// <summary>A <c>mean by</c> or <c>mean per</c> expression: one value per row (LOSS016 where it reads elements or aggregates).</summary>
    private Expr? BindMeanClause(SyntaxNode? clause, string word)
    {
        if (clause is null) return null;
        var bound = BindReal(clause);
        if (bound is not null && ExprWalker.Any(bound, e => e is InputRef or ClassRef or ColumnRef or Aggregate or RowCall or Gather { IsClassInput: false }))
            Report(DiagnosticDescriptorRef.AggregateMisuse, clause.Range, $"'mean {word}' is one value per row: it may read options, index and row inputs, and class inputs at an index, not elements or aggregates");
        return bound;
    }

    private Expr Lift(Expr e, List<AggregateModel> aggregates) => e switch
    {
        // Post-order: an aggregate's inner aggregates are lifted first, so every aggregate only reads earlier ones.
        Aggregate a => new AggregateRef(IndexOf(aggregates, new AggregateModel(a.Kind, Lift(a.Body, aggregates)))),
        // A row function's value is computed by its C# method, one pass of its own: an aggregate without a summand.
        RowCall c => new AggregateRef(IndexOf(aggregates, new AggregateModel(AggregateKind.Extern, Constant.Zero) { Call = c })),
        // x[t] is the sum over the row of (column == t ? x : 0): the gradient machinery sees that; Run reads x[t] directly.
        Gather g => new AggregateRef(IndexOf(aggregates, new AggregateModel(AggregateKind.Gather,
            new Conditional(new Binary(BinaryOp.Equal, ColumnRef.Instance, g.Index), g.IsClassInput ? new ClassRef(g.Input, g.Name) : new InputRef(g.Input, g.Name), Constant.Zero))
            { Source = g })),
        _ => ExprWalker.MapChildren(e, x => Lift(x, aggregates)),
    };

    /// <summary>
    /// The let names in the terms of the lifted formula: a name over aggregates (<c>let lse = logsumexp(x)</c>) names the
    /// outer formula's expression over <see cref="AggregateRef"/>s, so generated code keeps it; a name within a summand
    /// stays as it is. A name whose aggregate the loss never computes (an unused let) is dropped.
    /// </summary>
    private static IEnumerable<NamedExpr> LiftNames(IEnumerable<NamedExpr> names, List<AggregateModel> aggregates)
    {
        bool found = true;
        Expr LiftExisting(Expr e) => e switch
        {
            Aggregate a when aggregates.IndexOf(new AggregateModel(a.Kind, LiftExisting(a.Body))) is var k and >= 0 => new AggregateRef(k),
            Aggregate or RowCall or Gather => Missing(e),
            _ => ExprWalker.MapChildren(e, LiftExisting),
        };
        Expr Missing(Expr e) { found = false; return e; }
        foreach (var name in names)
        {
            found = true;
            var lifted = LiftExisting(name.Expression);
            if (found) yield return name with { Expression = lifted };
        }
    }

    private static int IndexOf(List<AggregateModel> aggregates, AggregateModel aggregate)
    {
        int index = aggregates.IndexOf(aggregate);
        if (index >= 0) return index;
        aggregates.Add(aggregate);
        return aggregates.Count - 1;
    }

    private bool CheckDeclaredName(string name, TextRange range, HashSet<string> declared)
    {
        if (name.Length == 0) return false;
        // Gradient spans are public parameters named <input>Grad.
        if (Emit.Names.PublicCamel(name).EndsWith("Grad", StringComparison.Ordinal))
        {
            Report(DiagnosticDescriptorRef.ReservedName, range, name, "gradient spans are named <input>Grad");
            return false;
        }
        // Hessian spans (GradientHessian, elementwise losses) are public parameters named <input>Hess.
        if (Emit.Names.PublicCamel(name).EndsWith("Hess", StringComparison.Ordinal))
        {
            Report(DiagnosticDescriptorRef.ReservedName, range, name, "Hessian spans are named <input>Hess");
            return false;
        }
        // Two names with one C# name (y_pred and yPred) would be one parameter twice.
        if (!declared.Add(Emit.Names.PublicCamel(name)) || s_constants.ContainsKey(name) || Functions.ByName.ContainsKey(name))
        {
            Report(DiagnosticDescriptorRef.DuplicateName, range, name);
            return false;
        }
        return true;
    }

    private static bool LiteralValue(SyntaxNode node, out double value, out bool isBool)
    {
        isBool = false;
        switch (node)
        {
            case NumberSyntax n: value = n.Value; return true;
            case BoolSyntax b: value = b.Value ? 1 : 0; isBool = true; return true;
            case UnarySyntax { Operator: TokenKind.Minus, Operand: NumberSyntax n }: value = -n.Value; return true;
            default: value = 0; return false;
        }
    }

    private Expr? BindReal(SyntaxNode node)
    {
        var e = Bind(node);
        if (e is ListRef)
        {
            Report(DiagnosticDescriptorRef.TypeMismatch, node.Range, "a number", "a list of labels (pass it to a row function)");
            return null;
        }
        if (e is not null && e.IsBool)
        {
            Report(DiagnosticDescriptorRef.TypeMismatch, node.Range, "a number", "a condition (bool)");
            return null;
        }
        return e;
    }

    private Expr? BindBool(SyntaxNode node)
    {
        var e = Bind(node);
        if (e is not null && !e.IsBool)
        {
            Report(DiagnosticDescriptorRef.TypeMismatch, node.Range, "a condition (bool)", "a number");
            return null;
        }
        return e;
    }

    private Expr? Bind(SyntaxNode node)
    {
        StackGuard.Ensure();
        switch (node)
        {
            case MissingSyntax:
                _failed = true;
                return null;
            case NumberSyntax n:
                return new Constant(n.Value);
            case BoolSyntax b:
                return new BoolConstant(b.Value);
            case NameSyntax name:
                return BindName(name);
            case UnarySyntax { Operator: TokenKind.Not } u:
                return BindBool(u.Operand) is { } operand ? new Unary(UnaryOp.Not, operand) : null;
            case UnarySyntax u:
                return BindReal(u.Operand) is { } negated ? new Unary(UnaryOp.Negate, negated) : null;
            case BinarySyntax b:
                return BindBinary(b);
            case IfSyntax i:
            {
                var condition = BindBool(i.Condition);
                var then = BindReal(i.Then);
                var @else = BindReal(i.Else);
                return condition is null || then is null || @else is null ? null : new Conditional(condition, then, @else);
            }
            case LetSyntax let:
                return BindLet(let);
            case SubscriptSyntax subscript:
                return BindSubscript(subscript);
            case ExpressionSubscriptSyntax subscript:
            {
                var target = BindReal(subscript.Target);
                return SubscriptOf(target, subscript.Target, subscript.Index);
            }
            case CallSyntax call:
                return BindCall(call);
            case PairSumSyntax pairs:
                return BindPairSum(pairs);
            default:
                _failed = true;
                return null;
        }
    }

    private Expr? BindName(NameSyntax name)
    {
        if (_scope.TryGetValue(name.Name, out var bound))
        {
            // In a sum_pairs summand an input has two values, one per position: which one must be said.
            if (_pair is { Nested: false } && bound is InputRef or ClassRef)
            {
                Report(DiagnosticDescriptorRef.BadSubscript, name.Range, $"Inside {PairSumSyntax.Keyword}, read '{name.Name}' at one of the pair's positions: {name.Name}[{_pair.First}] or {name.Name}[{_pair.Second}]");
                return null;
            }
            return bound;
        }
        if (s_constants.TryGetValue(name.Name, out var value)) return new Constant(value);
        if (name.Name == ColumnName && _pair is { Nested: false })
        {
            Report(DiagnosticDescriptorRef.AggregateMisuse, name.Range, $"Inside {PairSumSyntax.Keyword}, the positions are '{_pair.First}' and '{_pair.Second}': '{ColumnName}' would be ambiguous");
            return null;
        }
        if (name.Name == ColumnName) return ColumnRef.Instance;
        if (name.Name == RowName) return RowNumberRef.Instance;
        Report(DiagnosticDescriptorRef.UnknownName, name.Range, name.Name);
        return null;
    }

    private Expr? BindSubscript(SubscriptSyntax s)
    {
        if (!_scope.TryGetValue(s.Name, out var target))
        {
            Report(DiagnosticDescriptorRef.UnknownName, s.NameRange, s.Name);
            return null;
        }
        if (target is not (InputRef or ClassRef))
            return SubscriptOf(target, new NameSyntax(s.Name, s.NameRange), s.Index); // a let that names a row-valued expression
        // x[i] in a sum_pairs summand: the input at one of the pair's positions.
        if (s.Index is NameSyntax position && _scope.TryGetValue(position.Name, out var slot) && slot is PairSlot { Input: < 0 } p)
            return target is InputRef x0 ? new PairSlot(p.Slot, x0.Index, x0.Name, false) : new PairSlot(p.Slot, ((ClassRef)target).Input, ((ClassRef)target).Name, true);
        if (Index(s.Index) is not { } index) return null;
        if (index is not IndexRef indexRef) return Subscript(target, index); // x[row]: a pass over the row
        return target is InputRef x ? new Gather(x.Index, x.Name, false, indexRef) : new Gather(((ClassRef)target).Input, ((ClassRef)target).Name, true, indexRef);
    }

    /// <summary>A subscript's index: an index input, or the row's own number (<c>x[row]</c>, the diagonal of a square matrix).</summary>
    private Expr? Index(SyntaxNode index)
    {
        if (index is NameSyntax n && _scope.TryGetValue(n.Name, out var bound) && bound is IndexRef indexRef) return indexRef;
        if (index is NameSyntax q && _scope.TryGetValue(q.Name, out var pairSlot) && pairSlot is PairSlot)
        {
            Report(DiagnosticDescriptorRef.BadSubscript, index.Range, $"A position of {PairSumSyntax.Keyword} reads an input only (x[{q.Name}], w[{q.Name}]): name the expression's parts at the position instead");
            return null;
        }
        if (index is NameSyntax r && r.Name == RowName && !_scope.ContainsKey(RowName)) return RowNumberRef.Instance;
        Report(DiagnosticDescriptorRef.BadSubscript, index.Range, "A subscript must be an index input (declared 'const index name') or 'row'");
        return null;
    }

    /// <summary>
    /// <c>e[t]</c> for a row-valued expression e (<c>softmax(z)[t]</c>): the row's sum of <c>if column == t then e
    /// else 0</c>, an aggregate like any other, so its gradient reaches every input e reads through the usual reverse
    /// mode (it takes a pass over the row, where an input's own <c>x[t]</c> reads one element).
    /// </summary>
    private Expr? SubscriptOf(Expr? target, SyntaxNode targetSyntax, SyntaxNode indexSyntax)
    {
        var index = Index(indexSyntax);
        if (target is null || index is null) return null;
        if (!VariesAlongTheRow(target))
        {
            Report(DiagnosticDescriptorRef.BadSubscript, targetSyntax.Range,
                "Only a row can be indexed: an element or class input (x[t]), or an expression that varies along the row (softmax(z)[t], (x - y)[t]); this one has one value per row");
            return null;
        }
        return Subscript(target, index);
    }

    private Expr Subscript(Expr target, Expr index)
    {
        _subscripted.Add(index is IndexRef i ? i.Name : RowName);
        return new Aggregate(AggregateKind.Sum, new Conditional(new Binary(BinaryOp.Equal, ColumnRef.Instance, index), target, Constant.Zero));
    }

    /// <summary>Whether an expression has a value per element of the row: it reads an element input, a class input or the column outside any aggregate and subscript.</summary>
    private static bool VariesAlongTheRow(Expr e) => e switch
    {
        InputRef or ClassRef or ColumnRef => true,
        Aggregate or Gather or RowCall => false,
        _ => ExprWalker.Children(e).Any(VariesAlongTheRow),
    };

    /// <summary>The index inputs used as subscripts of expressions: checked against the row length like x[t]'s.</summary>
    private readonly HashSet<string> _subscripted = new(StringComparer.Ordinal);

    private Expr? BindLet(LetSyntax let)
    {
        var value = Bind(let.Value);
        if (_scope.ContainsKey(let.Name) || s_constants.ContainsKey(let.Name))
        {
            Report(DiagnosticDescriptorRef.DuplicateName, let.NameRange, let.Name);
            return null;
        }
        if (value is null) { Bind(let.Body); return null; }
        if (value is not (Constant or InputRef or OptionRef)) _names.Add(new NamedExpr(value, let.Name));
        _scope[let.Name] = value;
        var body = Bind(let.Body);
        _scope.Remove(let.Name);
        return body;
    }

    private Expr? BindBinary(BinarySyntax b)
    {
        switch (b.Operator)
        {
            case TokenKind.And:
            case TokenKind.Or:
            {
                var l = BindBool(b.Left);
                var r = BindBool(b.Right);
                return l is null || r is null ? null : new Binary(b.Operator == TokenKind.And ? BinaryOp.And : BinaryOp.Or, l, r);
            }
            default:
            {
                bool comparison = b.Operator is TokenKind.Less or TokenKind.LessEqual or TokenKind.Greater or TokenKind.GreaterEqual or TokenKind.EqualEqual or TokenKind.NotEqual;
                var l = BindReal(b.Left);
                var r = BindReal(b.Right);
                if (l is null || r is null) return null;
                var op = b.Operator switch
                {
                    TokenKind.Plus => BinaryOp.Add,
                    TokenKind.Minus => BinaryOp.Subtract,
                    TokenKind.Star => BinaryOp.Multiply,
                    TokenKind.Slash => BinaryOp.Divide,
                    TokenKind.Caret => BinaryOp.Power,
                    TokenKind.Less => BinaryOp.Less,
                    TokenKind.LessEqual => BinaryOp.LessEqual,
                    TokenKind.Greater => BinaryOp.Greater,
                    TokenKind.GreaterEqual => BinaryOp.GreaterEqual,
                    TokenKind.EqualEqual => BinaryOp.Equal,
                    _ => BinaryOp.NotEqual,
                };
                return new Binary(op, l, r);
            }
        }
    }

    private Expr? BindCall(CallSyntax call)
    {
        var aggregate = call.Function switch
        {
            "sum" => AggregateKind.Sum,
            "mean" => AggregateKind.Mean,
            "sum_all" => AggregateKind.SumAll,
            "mean_all" => AggregateKind.MeanAll,
            "max" when call.Arguments.Count == 1 => AggregateKind.Max,
            "min" when call.Arguments.Count == 1 => AggregateKind.Min,
            _ => (AggregateKind?)null,
        };
        if (aggregate is { } kind)
        {
            if (!CheckArity(call, 1)) return null;
            var body = BindNested(call, () => BindReal(call.Arguments[0]));
            // sum(sum(x)), max(x[t]), mean(q) of a row input: a value the same for every element, reduced over the row, says
            // nothing new (a constant or an option, sum(1) for the row length, is fine).
            if (body is not null && !VariesAlongTheRow(body) && ExprWalker.Any(body, e => e is RowRef or RowNumberRef or IndexRef or Aggregate or Gather or RowCall))
            {
                Report(DiagnosticDescriptorRef.AggregateMisuse, call.Range, $"'{call.Function}' reduces over a row, but its argument has one value per row (it reads no element outside a nested aggregate or subscript): drop the outer '{call.Function}'");
                return null;
            }
            return body is null ? null : new Aggregate(kind, body);
        }
        if (RowFunctions.TryGetValue(call.Function, out var row))
        {
            if (!CheckArity(call, row.Arity)) return null;
            var args = BindNested(call, () => { var list = call.Arguments.Select(BindReal).ToList(); return list.Any(a => a is null) ? null : row.Build(list!); });
            return args;
        }
        if (call.Function == PairSumSyntax.Keyword)
        {
            foreach (var argument in call.Arguments) Bind(argument);
            Report(DiagnosticDescriptorRef.AggregateMisuse, call.Range, $"{PairSumSyntax.Keyword} is written {PairSumSyntax.Keyword}(i, j: e): two names for the pair's positions, a colon, then the summand");
            return null;
        }
        if (call.Function == "clamp")
        {
            if (!CheckArity(call, 3)) return null;
            var args = call.Arguments.Select(BindReal).ToList();
            if (args.Any(a => a is null)) return null;
            return new Call(Function.Min, new Call(Function.Max, args[0]!, args[1]!), args[2]!);
        }
        if (_functions.TryGetValue(call.Function, out var user))
        {
            if (!CheckArity(call, user.Parameters.Count)) return null;
            if (IsRowFunction(user)) return BindRowCall(call, user);
            var values = call.Arguments.Select(BindReal).ToList();
            if (values.Any(a => a is null)) return null;
            if (Template(user, call.NameRange) is not { } template) { _failed = true; return null; }
            return new CustomCall(user.Name, values.ToEquatableArray()!, template.Body, template.Gradients.ToEquatableArray(), user.Extern);
        }
        if (!Functions.ByName.TryGetValue(call.Function, out var function))
        {
            foreach (var argument in call.Arguments) Bind(argument);
            Report(DiagnosticDescriptorRef.UnknownFunction, call.NameRange, call.Function);
            return null;
        }
        if (!CheckArity(call, function.Arity)) return null;
        var arguments = call.Arguments.Select(BindReal).ToList();
        if (arguments.Any(a => a is null)) return null;
        return new Call(function.Function, arguments.ToEquatableArray()!);
    }

    /// <summary>The sum_pairs summand being bound (null outside one): its position names, and whether a nested aggregate is being bound.</summary>
    private PairScope? _pair;

    private sealed class PairScope
    {
        public PairScope(string first, string second) { First = first; Second = second; }
        public string First { get; }
        public string Second { get; }
        public bool Nested { get; set; }
    }

    /// <summary>
    /// Binds an aggregate (or row function) inside a sum_pairs summand: its summand runs over the row on its own, so bare
    /// inputs are its current element again, and it cannot read the pair's positions (it is one value per row).
    /// </summary>
    private Expr? BindNested(CallSyntax call, Func<Expr?> bind)
    {
        if (_pair is null) return bind();
        bool nested = _pair.Nested;
        _pair.Nested = true;
        var bound = bind();
        _pair.Nested = nested;
        if (bound is not null && ExprWalker.Any(bound, e => e is PairSlot))
        {
            Report(DiagnosticDescriptorRef.AggregateMisuse, call.Range, $"'{call.Function}' inside {PairSumSyntax.Keyword} is one value per row: it cannot read the pair's positions '{_pair.First}' and '{_pair.Second}'");
            return null;
        }
        return bound;
    }

    /// <summary>
    /// <c>sum_pairs(i, j: e)</c>: the sum of e over the ordered pairs of positions (i, j) of the row, n^2 terms. In e,
    /// <c>x[i]</c> and <c>x[j]</c> read an element or class input at either position and <c>i</c>, <c>j</c> are the
    /// positions as numbers; options, row values and aggregates of the row (one value per row) read as anywhere. Bound
    /// with the positions as <see cref="PairSlot"/>s, then resolved: j is the current element of the pass, i the outer one.
    /// </summary>
    private Expr? BindPairSum(PairSumSyntax pairs)
    {
        if (_pair is not null)
        {
            Report(DiagnosticDescriptorRef.AggregateMisuse, pairs.Range, $"{PairSumSyntax.Keyword} cannot be nested in another {PairSumSyntax.Keyword}'s summand (that would be a sum over triples)");
            return null;
        }
        if (pairs.First == pairs.Second)
        {
            Report(DiagnosticDescriptorRef.DuplicateName, pairs.SecondRange, pairs.Second);
            return null;
        }
        foreach (var (name, range) in new[] { (pairs.First, pairs.FirstRange), (pairs.Second, pairs.SecondRange) })
            if (_scope.ContainsKey(name) || s_constants.ContainsKey(name))
            {
                Report(DiagnosticDescriptorRef.DuplicateName, range, name);
                return null;
            }
        int named = _names.Count;
        _scope[pairs.First] = new PairSlot(0, -1, pairs.First, false);
        _scope[pairs.Second] = new PairSlot(1, -1, pairs.Second, false);
        _pair = new PairScope(pairs.First, pairs.Second);
        var body = BindReal(pairs.Body);
        _pair = null;
        _scope.Remove(pairs.First);
        _scope.Remove(pairs.Second);
        // The let names given inside the summand name the resolved expressions.
        for (int k = named; k < _names.Count; k++) _names[k] = _names[k] with { Expression = ResolvePairs(_names[k].Expression) };
        return body is null ? null : new Aggregate(AggregateKind.PairSum, ResolvePairs(body));
    }

    /// <summary>Position j becomes the current element (x, w, column), position i the pass's outer one (x[i], i).</summary>
    private static Expr ResolvePairs(Expr e) => e switch
    {
        PairSlot { Input: < 0, Slot: 0 } => OuterColumnRef.Instance,
        PairSlot { Input: < 0 } => ColumnRef.Instance,
        PairSlot { Slot: 0 } p => new OuterRef(p.Input, p.Name, p.IsClassInput),
        PairSlot p => p.IsClassInput ? new ClassRef(p.Input, p.Name) : new InputRef(p.Input, p.Name),
        _ => ExprWalker.MapChildren(e, ResolvePairs),
    };

    /// <summary>Whether a user function may take this name (built-ins, aggregates and row functions keep theirs).</summary>
    public static bool IsBuiltIn(string name) =>
        Functions.ByName.ContainsKey(name) || RowFunctions.ContainsKey(name) || s_constants.ContainsKey(name)
        || name is "sum" or "mean" or "sum_all" or "mean_all" or "max" or "min" or "clamp" or PairSumSyntax.Keyword;

    /// <summary>
    /// Row functions written with the aggregates. logsumexp shifts by the row's maximum, detached: its gradient does not
    /// depend on the shift, so no pass is spent differentiating through the maximum.
    /// </summary>
    private static readonly Dictionary<string, (int Arity, Func<List<Expr>, Expr> Build)> RowFunctions = new()
    {
        ["logsumexp"] = (1, a => LogSumExp(a[0])),
        ["log_softmax"] = (1, a => new Binary(BinaryOp.Subtract, a[0], LogSumExp(a[0]))),
        ["softmax"] = (1, a => new Call(Function.Exp, new Binary(BinaryOp.Subtract, a[0], LogSumExp(a[0])))),
        ["dot"] = (2, a => new Aggregate(AggregateKind.Sum, new Binary(BinaryOp.Multiply, a[0], a[1]))),
        ["norm"] = (1, a => Norm("norm", new Aggregate(AggregateKind.Sum, new Binary(BinaryOp.Multiply, a[0], a[0])), Constant.Two)),
        ["pnorm"] = (2, a => Norm("pnorm", new Aggregate(AggregateKind.Sum, new Binary(BinaryOp.Power, new Call(Function.Abs, a[0]), a[1])), a[1])),
    };

    /// <summary>
    /// ||x||_p = S^(1/p) with S = sum |x|^p, as a function with a stated derivative: d/dS = S^(1/p - 1) / p where S != 0
    /// and 0 where S = 0, PyTorch's vector_norm backward (which masks the zero norm), so the gradient at a zero vector is
    /// 0, not 0 * infinity.
    /// </summary>
    private static Expr Norm(string name, Expr sumOfPowers, Expr p)
    {
        var s = new ParamRef(0, "s");
        var q = new ParamRef(1, "p");
        var inverse = new Binary(BinaryOp.Divide, Constant.One, q);
        Expr body = p is Constant { Value: 2 } ? new Call(Function.Sqrt, s) : new Binary(BinaryOp.Power, s, inverse);
        var slope = new Binary(BinaryOp.Divide, new Binary(BinaryOp.Power, s, new Binary(BinaryOp.Subtract, inverse, Constant.One)), q);
        Expr? gradient = new Conditional(new Binary(BinaryOp.Equal, s, Constant.Zero), Constant.Zero,
            p is Constant { Value: 2 } ? new Binary(BinaryOp.Divide, Constant.Half, body) : slope);
        return new CustomCall(name, new[] { sumOfPowers, p }.ToEquatableArray(), body, new[] { gradient, null }.ToEquatableArray(), null);
    }

    private static Expr LogSumExp(Expr e)
    {
        var shift = new Call(Function.Detach, new Aggregate(AggregateKind.Max, e));
        var sum = new Aggregate(AggregateKind.Sum, new Call(Function.Exp, new Binary(BinaryOp.Subtract, e, shift)));
        return new Binary(BinaryOp.Add, shift, new Call(Function.Log, sum));
    }

    /// <summary>
    /// A call of an extern row function: a row parameter takes an element input by name (the whole row), a labels input
    /// goes as the row's list, any other argument is a per-row number (options, index and row inputs, constants).
    /// </summary>
    private Expr? BindRowCall(CallSyntax call, FunctionSyntax fn)
    {
        var arguments = new List<Expr>();
        for (int k = 0; k < call.Arguments.Count; k++)
        {
            var syntax = call.Arguments[k];
            if (fn.RowParameters[k])
            {
                if (syntax is NameSyntax n && _scope.TryGetValue(n.Name, out var row) && row is InputRef) { arguments.Add(row); continue; }
                Bind(syntax);
                Report(DiagnosticDescriptorRef.BadFunction, syntax.Range, $"'{fn.Parameters[k]}' of '{fn.Name}' is a row: pass an element input by its name");
                continue;
            }
            var value = syntax is NameSyntax l && _scope.TryGetValue(l.Name, out var list) && list is ListRef ? list : BindReal(syntax);
            if (value is null) continue;
            if (ExprWalker.Any(value, e => e is InputRef or ClassRef or Aggregate or Gather or RowCall))
                Report(DiagnosticDescriptorRef.BadFunction, syntax.Range, $"'{fn.Parameters[k]}' of '{fn.Name}' is one number per row: it may read options, index and row inputs, not elements or aggregates");
            arguments.Add(value);
        }
        if (_failed || arguments.Count != call.Arguments.Count || Template(fn, call.NameRange) is null) { _failed = true; return null; }
        var gradients = Enumerable.Range(0, fn.Parameters.Count).Select(k => fn.RowParameters[k] ? fn.Gradients.FirstOrDefault(g => g.Input == fn.Parameters[k])?.Method : null);
        return new RowCall(fn.Name, fn.Extern!, arguments.ToEquatableArray(), gradients.ToEquatableArray());
    }

    private bool CheckArity(CallSyntax call, int arity)
    {
        if (call.Arguments.Count == arity) return true;
        Report(DiagnosticDescriptorRef.WrongArity, call.Range, call.Function, arity.ToString(), call.Arguments.Count.ToString());
        return false;
    }
}

/// <summary>A descriptor reference with its severity, so the binder knows which reports fail the loss.</summary>
internal readonly record struct DiagnosticDescriptorRef(string Id, bool IsError)
{
    public static readonly DiagnosticDescriptorRef UnknownName = new(Descriptors.UnknownName.Id, true);
    public static readonly DiagnosticDescriptorRef UnknownFunction = new(Descriptors.UnknownFunction.Id, true);
    public static readonly DiagnosticDescriptorRef WrongArity = new(Descriptors.WrongArity.Id, true);
    public static readonly DiagnosticDescriptorRef DuplicateName = new(Descriptors.DuplicateName.Id, true);
    public static readonly DiagnosticDescriptorRef TypeMismatch = new(Descriptors.TypeMismatch.Id, true);
    public static readonly DiagnosticDescriptorRef BadDefault = new(Descriptors.BadDefault.Id, true);
    public static readonly DiagnosticDescriptorRef AggregateMisuse = new(Descriptors.AggregateMisuse.Id, true);
    public static readonly DiagnosticDescriptorRef BadGradient = new(Descriptors.BadGradient.Id, true);
    public static readonly DiagnosticDescriptorRef BadSubscript = new(Descriptors.BadSubscript.Id, true);
    public static readonly DiagnosticDescriptorRef BadInputKind = new(Descriptors.BadInputKind.Id, true);
    public static readonly DiagnosticDescriptorRef BadFunction = new(Descriptors.BadFunction.Id, true);
    public static readonly DiagnosticDescriptorRef ReservedName = new(Descriptors.ReservedName.Id, true);
    public static readonly DiagnosticDescriptorRef TooComplex = new(Descriptors.TooComplex.Id, true);
    public static readonly DiagnosticDescriptorRef BadHessian = new(Descriptors.BadHessian.Id, true);
    public static readonly DiagnosticDescriptorRef BadRequire = new(Descriptors.BadRequire.Id, true);
    public static readonly DiagnosticDescriptorRef BadShape = new(Descriptors.BadShape.Id, true);
}
