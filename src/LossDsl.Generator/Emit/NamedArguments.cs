using System.Collections.Generic;
using System.Linq;
using LossDsl.Generator.Plan;

namespace LossDsl.Generator.Emit;

/// <summary>
/// The argument list of a call of Run, RunHessian, RunRows or RunChunked: in the parameters' order, each argument that is
/// not a variable of the parameter's own name written as <c>name: value</c> (<c>reduction: Reduction.None</c>,
/// <c>gradients: false</c>, <c>output: default</c>), so a reader never counts commas.
/// </summary>
internal static class NamedArguments
{
    public static string Join(IEnumerable<(RunParameter Parameter, string Value)> arguments) =>
        string.Join(", ", arguments.Select(a => a.Value == a.Parameter.Name ? a.Value : $"{a.Parameter.Name}: {a.Value}"));
}
