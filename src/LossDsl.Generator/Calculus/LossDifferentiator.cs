using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Diagnostics;
using LossDsl.Generator.Model;
using LossDsl.Generator.Semantics;

namespace LossDsl.Generator.Calculus;

/// <summary>The differentiate-and-simplify stage for a whole loss: its value, and its gradient for every input.</summary>
internal static class LossDifferentiator
{
    public static LossModel Differentiate(BoundLoss loss, string className, string? @namespace, string accessibility, string path, List<DiagnosticInfo> diagnostics)
    {
        var body = Simplifier.Simplify(loss.Body);
        var aggregates = loss.Aggregates.Select(a => a with { Body = Simplifier.Simplify(a.Body) }).ToList();
        var gradients = new List<Expr>();
        for (int k = 0; k < loss.Inputs.Count; k++)
        {
            var input = loss.Inputs[k];
            if (input.IsConst) { gradients.Add(Constant.Zero); continue; }
            bool IsInput(Expr e) => e is InputRef r && r.Index == k;
            Expr gradient;
            if (loss.DeclaredGradients[k] is { } declared)
            {
                gradients.Add(Lowering.Lower(Simplifier.Simplify(declared)));
                continue;
            }
            if (loss.Shape == LossShape.Elementwise)
            {
                gradient = Differentiator.Derivative(body, IsInput);
            }
            else
            {
                // Row losses: the gradient of element i is sum_j c_j * d(e_j)/dx_i, with c_j = dL/dA_j set per row.
                Expr sum = Constant.Zero;
                for (int j = 0; j < aggregates.Count; j++)
                    sum = new Binary(BinaryOp.Add, sum, new Binary(BinaryOp.Multiply, new AggregateRef(j), Differentiator.Derivative(aggregates[j].Body, IsInput)));
                gradient = Simplifier.Simplify(sum);
            }
            if (gradient is Constant { Value: 0 })
                diagnostics.Add(new DiagnosticInfo(Descriptors.NotDifferentiable.Id, input.Span, new[] { input.Name }.ToEquatableArray()));
            gradients.Add(Lowering.Lower(gradient));
        }
        var outer = loss.Shape == LossShape.Elementwise
            ? EquatableArray<Expr>.Empty
            : Enumerable.Range(0, aggregates.Count).Select(j => Differentiator.Derivative(body, e => e is AggregateRef a && a.Index == j)).ToEquatableArray();
        var names = loss.Names.Select(n => n with { Expression = Lowering.Lower(Simplifier.Simplify(n.Expression)) }).Distinct().ToEquatableArray();
        body = Lowering.Lower(body);
        aggregates = aggregates.Select(a => a with { Body = Lowering.Lower(a.Body) }).ToList();
        outer = outer.Select(Lowering.Lower).ToEquatableArray();
        var simplified = loss with { Body = body, Aggregates = aggregates.ToEquatableArray(), Names = names };
        return new LossModel(simplified, className, @namespace, accessibility, path, gradients.ToEquatableArray(), outer);
    }
}
