using System;
using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Calculus;
using LossDsl.Generator.Model;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Semantics;

/// <summary>Subscripts: <c>x[t]</c> read directly, <c>x[row]</c> and <c>e[t]</c> as aggregates over the row (LOSS023).</summary>
internal sealed partial class Binder
{
    private Expr? BindSubscript(SubscriptSyntax s)
    {
        if (!_scope.TryGetValue(s.Name, out var target))
        {
            Report(BindErrorKind.UnknownName, s.NameRange, s.Name);
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
            Report(BindErrorKind.BadSubscript, index.Range, $"A position of {PairSumSyntax.Keyword} reads an input only (x[{q.Name}], w[{q.Name}]): name the expression's parts at the position instead");
            return null;
        }
        if (index is NameSyntax r && r.Name == RowName && !_scope.ContainsKey(RowName)) return RowNumberRef.Instance;
        Report(BindErrorKind.BadSubscript, index.Range, "A subscript must be an index input (declared 'const index name') or 'row'");
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
            Report(BindErrorKind.BadSubscript, targetSyntax.Range,
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
}
