using System;
using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Emit;
using LossDsl.Generator.Model;
using LossDsl.Generator.Semantics;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator;

/// <summary>
/// The pure stages between a <see cref="FormulaSource"/> and its models: parse → bind → differentiate and simplify.
/// Never throws: a fault of the generator itself becomes diagnostic LOSS999 on the source.
/// </summary>
internal static class Compiler
{
    /// <summary>
    /// The stack of the thread the stages run on. Every recursive pass is guarded (<see cref="StackGuard"/>), so a
    /// formula too deep for it gets LOSS026; running on a stack of known size makes that limit the same in every host
    /// (the command-line compiler, the compiler server, an IDE) instead of depending on the caller's thread.
    /// </summary>
    public const int StackSize = 64 * 1024 * 1024;

    public static CompiledUnit Compile(FormulaSource source) => OnLargeStack(() => CompileCore(source));

    /// <summary>Runs <paramref name="stage"/> on a thread with a <see cref="StackSize"/> stack and returns its result.</summary>
    internal static T OnLargeStack<T>(Func<T> stage)
    {
        T result = default!;
        Exception? fault = null;
        var thread = new System.Threading.Thread(() =>
        {
            try { result = stage(); }
            catch (Exception e) { fault = e; }
        }, StackSize);
        thread.Start();
        thread.Join();
        if (fault is not null) throw new InvalidOperationException("A compiler stage failed", fault);
        return result;
    }

    private static CompiledUnit CompileCore(FormulaSource source)
    {
        var diagnostics = new List<DiagnosticInfo>(source.Diagnostics);
        var losses = new List<LossModel>();
        var locations = new List<SourceSpan>();
        if (source.Skip) return new CompiledUnit(EquatableArray<LossModel>.Empty, EquatableArray<SourceSpan>.Empty, diagnostics.ToEquatableArray());
        try
        {
            var (syntax, functionSyntax, errors) = Parser.ParseWithFunctions(source.Text);
            foreach (var (id, range, args) in errors)
                diagnostics.Add(new DiagnosticInfo(id, source.Map.Locate(source.Path, source.Text, range.Start, range.Length), args.ToEquatableArray()));

            if (syntax.Count == 0 && errors.Count == 0 && functionSyntax.Count == 0)
                diagnostics.Add(new DiagnosticInfo(Descriptors.NoLoss.Id, source.Map.Locate(source.Path, source.Text, 0, 0), EquatableArray<string>.Empty));
            if (source.IsAttribute && syntax.Count > 1)
                diagnostics.Add(new DiagnosticInfo(Descriptors.DuplicateLoss.Id, Locate(source, syntax[1].NameRange), new[] { syntax[1].Name }.ToEquatableArray()));

            var functions = new Dictionary<string, FunctionSyntax>(StringComparer.Ordinal);
            foreach (var fn in functionSyntax)
            {
                if (Binder.IsBuiltIn(fn.Name) || functions.ContainsKey(fn.Name))
                    diagnostics.Add(new DiagnosticInfo(Descriptors.DuplicateName.Id, Locate(source, fn.NameRange), new[] { fn.Name }.ToEquatableArray()));
                else functions[fn.Name] = fn;
            }
            foreach (var fn in functions.Values) Binder.CheckFunction(source, fn, diagnostics, functions);

            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var loss in source.IsAttribute ? syntax.Take(1) : syntax)
            {
                if (!names.Add(Names.Pascal(loss.Name)))
                {
                    diagnostics.Add(new DiagnosticInfo(Descriptors.DuplicateLoss.Id, Locate(source, loss.NameRange), new[] { loss.Name }.ToEquatableArray()));
                    continue;
                }
                var bound = Binder.Bind(source, loss, diagnostics, functions);
                if (bound is null || bound.Inputs.Count == 0)
                {
                    if (bound is not null)
                        diagnostics.Add(new DiagnosticInfo(Descriptors.Expected.Id, Locate(source, loss.NameRange), new[] { "at least one input", "none" }.ToEquatableArray()));
                    continue;
                }
                var className = source.ClassName ?? Names.Pascal(loss.Name);
                if (className is "Forward" or "Backward" or "ForwardBackward")
                {
                    // A class cannot have members named like itself, and these are its methods.
                    diagnostics.Add(new DiagnosticInfo(Descriptors.ReservedName.Id, Locate(source, loss.NameRange),
                        new[] { loss.Name, $"its class would be {className}, the name of one of its methods" }.ToEquatableArray()));
                    continue;
                }
                var inputSpans = loss.Inputs.Select(i => Locate(source, i.Range)).ToList();
                LossModel model;
                try { model = LossDifferentiator.Differentiate(bound, className, source.Namespace, source.Accessibility, source.Path, inputSpans, diagnostics); }
                catch (NoDerivativeException refused)
                {
                    diagnostics.Add(new DiagnosticInfo(Descriptors.BadFunction.Id, Locate(source, loss.NameRange), new[] { refused.Message }.ToEquatableArray()));
                    continue;
                }
                if (ExprBudget.Check(model.Gradients.Concat(model.OuterGradients).Concat(model.Dependencies.Select(d => d.Summand))
                        .Concat(model.Loss.Aggregates.Select(a => a.Body)).Append(model.Loss.Body), "loss with its derivatives") is { } tooBig)
                {
                    diagnostics.Add(new DiagnosticInfo(Descriptors.TooComplex.Id, Locate(source, loss.NameRange), new[] { tooBig }.ToEquatableArray()));
                    continue;
                }
                losses.Add(model);
                locations.Add(Locate(source, loss.NameRange));
            }
        }
        catch (InsufficientExecutionStackException)
        {
            diagnostics.Add(new DiagnosticInfo(Descriptors.TooComplex.Id, source.Map.Locate(source.Path, source.Text, 0, source.Text.Length),
                new[] { "The formula nests too deeply for the compiler's stack; split it with 'fn' or 'let'" }.ToEquatableArray()));
            losses.Clear();
            locations.Clear();
        }
        catch (Exception e)
        {
            diagnostics.Add(new DiagnosticInfo(Descriptors.InternalError.Id, source.Map.Locate(source.Path, source.Text, 0, 0), new[] { e.GetType().Name + ": " + e.Message }.ToEquatableArray()));
            losses.Clear();
            locations.Clear();
        }
        return new CompiledUnit(losses.ToEquatableArray(), locations.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    private static SourceSpan Locate(FormulaSource source, TextRange range) => source.Map.Locate(source.Path, source.Text, range.Start, range.Length);

    /// <summary>
    /// The emit stage for one compiled loss; a fault becomes a diagnostic (reported by the caller) instead of an
    /// exception: LOSS026 when the code is too deep for the stack, LOSS999 otherwise. The model holds no location, so
    /// it points at the start of the loss's file.
    /// </summary>
    public static (string? Source, DiagnosticInfo? Error) EmitSafely(LossModel model, bool allowUnsafe = false)
    {
        try
        {
            return (OnLargeStack(() => LossEmitter.Emit(model, allowUnsafe)), null);
        }
        catch (Exception e)
        {
            if (e is InvalidOperationException { InnerException: { } inner }) e = inner;
            var span = new SourceSpan(model.SourcePath, 0, 0, 0, 0, 0, 0);
            return e is InsufficientExecutionStackException
                ? (null, new DiagnosticInfo(Descriptors.TooComplex.Id, span, new[] { $"The generated code of '{model.Loss.Name}' nests too deeply for the compiler's stack" }.ToEquatableArray()))
                : (null, new DiagnosticInfo(Descriptors.InternalError.Id, span, new[] { e.GetType().Name + ": " + e.Message }.ToEquatableArray()));
        }
    }
}
