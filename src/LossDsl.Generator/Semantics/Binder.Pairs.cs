using System;
using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Model;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Semantics;

/// <summary><c>sum_pairs(i, j: e)</c>: its positions in scope while its summand binds, then resolved to the current and the outer element.</summary>
internal sealed partial class Binder
{
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
            Report(BindErrorKind.AggregateMisuse, call.Range, $"'{call.Function}' inside {PairSumSyntax.Keyword} is one value per row: it cannot read the pair's positions '{_pair.First}' and '{_pair.Second}'");
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
            Report(BindErrorKind.AggregateMisuse, pairs.Range, $"{PairSumSyntax.Keyword} cannot be nested in another {PairSumSyntax.Keyword}'s summand (that would be a sum over triples)");
            return null;
        }
        if (pairs.First == pairs.Second)
        {
            Report(BindErrorKind.DuplicateName, pairs.SecondRange, pairs.Second);
            return null;
        }
        foreach (var (name, range) in new[] { (pairs.First, pairs.FirstRange), (pairs.Second, pairs.SecondRange) })
            if (_scope.ContainsKey(name) || s_constants.ContainsKey(name))
            {
                Report(BindErrorKind.DuplicateName, range, name);
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
}
