using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Emit;
using LossDsl.Generator.Model;
using LossDsl.Generator.Semantics;
using LossDsl.Generator.Syntax;

namespace LossDsl.Generator.Plan;

/// <summary>
/// The signatures of a loss's implementation, as data: every emitter that declares or calls <c>Run</c>,
/// <c>RunForward</c>, <c>RunHessian</c>, <c>RunRows</c> or <c>RunChunked</c> walks these lists (the public API, the run-time definition,
/// the parallel path), so none of them builds or reads a signature as text.
/// </summary>
/// <param name="Run">Run's parameters, in order.</param>
/// <param name="Hessian">RunHessian's (elementwise losses; empty otherwise): Run's without <see cref="ParameterRole.Gradients"/>,
/// then the Hessian policy and one Hessian span per differentiable input.</param>
/// <param name="Rows">RunRows' and a row loss's RunChunked's: Run's, then the divisor and (a loss that reads <c>row</c>) the
/// first row's number; empty for the other shapes.</param>
/// <param name="Forward">RunForward's (elementwise losses; empty otherwise), behind the Forward methods: Run's without the
/// gradients' parameters (<see cref="ParameterRole.Gradients"/>, the upstream gradients, the gradient spans).</param>
internal sealed record RunPlan(EquatableArray<RunParameter> Run, EquatableArray<RunParameter> Hessian, EquatableArray<RunParameter> Rows, EquatableArray<RunParameter> Forward)
{
    public static RunPlan Of(BoundLoss loss)
    {
        var run = new List<RunParameter>();
        var differentiable = Enumerable.Range(0, loss.Inputs.Count).Where(k => !loss.Inputs[k].IsConst).ToList();
        for (int k = 0; k < loss.Inputs.Count; k++)
        {
            var input = loss.Inputs[k];
            run.Add(new(ParameterRole.Input, Names.IsInteger(input.Kind) ? ParameterType.Indices : ParameterType.Values, Names.Parameter(input.Name), k));
        }
        if (loss.Shape == LossShape.Row) run.Add(new(ParameterRole.RowLength, ParameterType.Count, "rowLength"));
        for (int k = 0; k < loss.Options.Count; k++)
            run.Add(new(ParameterRole.Option, loss.Options[k].IsBoolean ? ParameterType.Flag : ParameterType.Scalar, Names.Parameter(loss.Options[k].Name), k));
        if (loss.Shape == LossShape.Elementwise) run.Add(new(ParameterRole.Weight, ParameterType.Values, "weight"));
        if (loss.Shape != LossShape.Whole)
        {
            run.Add(new(ParameterRole.Reduction, ParameterType.Reduction, "reduction"));
            run.Add(new(ParameterRole.Output, ParameterType.Outputs, "output"));
        }
        run.Add(new(ParameterRole.Gradients, ParameterType.Flag, "gradients"));
        if (loss.Shape != LossShape.Whole) run.Add(new(ParameterRole.GradOutputs, ParameterType.Values, "gradOutputs"));
        run.Add(new(ParameterRole.GradOutput, ParameterType.Scalar, "gradOutput"));
        run.AddRange(differentiable.Select(k => new RunParameter(ParameterRole.Gradient, ParameterType.Outputs, Names.Parameter(loss.Inputs[k].Name + "_grad"), k)));

        var hessian = new List<RunParameter>();
        if (loss.Shape == LossShape.Elementwise)
        {
            hessian.AddRange(run.Where(p => p.Role != ParameterRole.Gradients));
            hessian.Add(new(ParameterRole.HessianPolicy, ParameterType.HessianPolicy, "hessianPolicy"));
            hessian.AddRange(differentiable.Select(k => new RunParameter(ParameterRole.Hessian, ParameterType.Outputs, Names.Parameter(loss.Inputs[k].Name + "_hess"), k)));
        }

        var forward = new List<RunParameter>();
        if (loss.Shape == LossShape.Elementwise)
            forward.AddRange(run.Where(p => p.Role is not (ParameterRole.Gradients or ParameterRole.GradOutputs or ParameterRole.GradOutput or ParameterRole.Gradient)));

        var rows = new List<RunParameter>();
        if (loss.Shape == LossShape.Row)
        {
            rows.AddRange(run);
            rows.Add(new(ParameterRole.Divisor, ParameterType.Scalar, "divisor"));
            if (KernelEmitter.NumbersRows(loss)) rows.Add(new(ParameterRole.FirstRow, ParameterType.Count, "firstRow"));
        }
        return new RunPlan(run.ToEquatableArray(), hessian.ToEquatableArray(), rows.ToEquatableArray(), forward.ToEquatableArray());
    }
}
