using System;
using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Model;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Semantics;

/// <summary>Functions: user functions (<c>fn</c>, <c>extern fn</c>) bound once as templates, row functions written with the aggregates, and calls of extern row functions.</summary>
internal sealed partial class Binder
{
    /// <summary>A function's body and stated gradients over <see cref="ParamRef"/>s, or null when it does not bind.</summary>
    private (Expr? Body, Expr?[] Gradients)? BindFunction(FunctionSyntax fn)
    {
        var declared = new HashSet<string>(StringComparer.Ordinal);
        for (int k = 0; k < fn.Parameters.Count; k++)
        {
            if (!declared.Add(fn.Parameters[k])) Report(BindErrorKind.DuplicateName, fn.ParameterRanges[k], fn.Parameters[k]);
            _scope[fn.Parameters[k]] = new ParamRef(k, fn.Parameters[k]);
        }
        _binding.Add(fn.Name);
        var body = fn.Body is null ? null : BindReal(fn.Body);
        if (body is not null && ExprWalker.Any(body, e => e is Aggregate or Gather))
            Report(BindErrorKind.BadFunction, fn.Body!.Range, $"'{fn.Name}' is elementwise: its body cannot use aggregates or subscripts");
        var gradients = new Expr?[fn.Parameters.Count];
        bool rowFunction = IsRowFunction(fn);
        if (rowFunction && fn.Extern is null)
            Report(BindErrorKind.BadFunction, fn.NameRange, $"Only an extern function can take a 'row' parameter: '{fn.Name}' has a body");
        var stated = new bool[fn.Parameters.Count];
        bool fused = false;
        foreach (var clause in fn.Gradients)
        {
            int index = Enumerable.Range(0, fn.Parameters.Count).Where(k => fn.Parameters[k] == clause.Input).DefaultIfEmpty(-1).First();
            if (clause.Fused)
            {
                // fused grad row = Method: value and d(value)/d(row) in one call, for one row parameter of a row function
                if (index < 0) Report(BindErrorKind.UnknownName, clause.InputRange, clause.Input);
                else if (!rowFunction || fn.Extern is null || !fn.RowParameters[index])
                    Report(BindErrorKind.BadFunction, clause.Range, $"'fused grad' names a row parameter of an extern row function: '{clause.Input}' is not one");
                else if (fused)
                    Report(BindErrorKind.BadFunction, clause.Range, $"'{fn.Name}' already has a 'fused grad' clause: one method computes the value with one row's gradient");
                fused = true;
                continue;
            }
            var gradient = clause.Expression is null ? null : BindReal(clause.Expression);
            if (gradient is not null && ExprWalker.Any(gradient, e => e is Aggregate or Gather or RowCall))
                Report(BindErrorKind.BadFunction, clause.Expression!.Range, $"'{fn.Name}' is elementwise: its gradient clauses cannot use aggregates, row functions or subscripts");
            if (index < 0) { Report(BindErrorKind.UnknownName, clause.InputRange, clause.Input); continue; }
            if (stated[index]) { Report(BindErrorKind.DuplicateName, clause.InputRange, clause.Input); continue; }
            stated[index] = true;
            bool row = fn.RowParameters.Count > index && fn.RowParameters[index];
            if (row && clause.Method is null)
                Report(BindErrorKind.BadFunction, clause.Range, $"'{clause.Input}' is a row: its gradient is a C# method that adds it to the row's gradient ('grad {clause.Input} = Namespace.Type.Method')");
            else if (!row && clause.Method is not null)
                Report(BindErrorKind.BadFunction, clause.Range, $"'{clause.Input}' is a number: its gradient is an expression, not a method");
            else if (rowFunction && !row)
                Report(BindErrorKind.BadFunction, clause.InputRange, $"The number parameters of the row function '{fn.Name}' have no gradient: pass them per-row values that do not depend on a differentiable input");
            gradients[index] = gradient;
        }
        if (fn.Extern is not null && Enumerable.Range(0, fn.Parameters.Count).Any(k => !stated[k] && (!rowFunction || fn.RowParameters[k])))
            Report(BindErrorKind.BadFunction, fn.NameRange, rowFunction
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
            Report(BindErrorKind.Recursion, use, $"'{fn.Name}' calls itself: functions cannot be recursive");
            return null;
        }
        // The template's other errors were reported by CheckFunction; a recursion is reported at this use too.
        var nested = new Binder(_source, _functions, _binding);
        var template = nested.BindFunction(fn);
        _binding.Remove(fn.Name);
        _errors.AddRange(nested._errors.Where(e => e.Kind == BindErrorKind.Recursion));
        _templates[fn.Name] = template;
        return template;
    }


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
                Report(BindErrorKind.BadFunction, syntax.Range, $"'{fn.Parameters[k]}' of '{fn.Name}' is a row: pass an element input by its name");
                continue;
            }
            var value = syntax is NameSyntax l && _scope.TryGetValue(l.Name, out var list) && list is ListRef ? list : BindReal(syntax);
            if (value is null) continue;
            if (ExprWalker.Any(value, e => e is InputRef or ClassRef or Aggregate or Gather or RowCall))
                Report(BindErrorKind.BadFunction, syntax.Range, $"'{fn.Parameters[k]}' of '{fn.Name}' is one number per row: it may read options, index and row inputs, not elements or aggregates");
            arguments.Add(value);
        }
        if (_failed || arguments.Count != call.Arguments.Count || Template(fn, call.NameRange) is null) { _failed = true; return null; }
        var gradients = Enumerable.Range(0, fn.Parameters.Count).Select(k => fn.RowParameters[k] ? fn.Gradients.FirstOrDefault(g => !g.Fused && g.Input == fn.Parameters[k])?.Method : null);
        var fusedClause = fn.Gradients.FirstOrDefault(g => g.Fused);
        int fusedArgument = fusedClause is null ? -1 : Enumerable.Range(0, fn.Parameters.Count).Where(k => fn.Parameters[k] == fusedClause.Input).DefaultIfEmpty(-1).First();
        return new RowCall(fn.Name, fn.Extern!, arguments.ToEquatableArray(), gradients.ToEquatableArray())
        {
            Fused = fusedArgument < 0 ? null : fusedClause!.Method,
            FusedArgument = fusedArgument,
        };
    }
}
