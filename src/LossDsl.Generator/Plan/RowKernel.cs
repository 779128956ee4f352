using LossDsl.Generator.Emit;
using LossDsl.Generator.Model;

namespace LossDsl.Generator.Plan;

/// <summary>What a row kernel's constructor takes after the loss's span inputs and options.</summary>
internal enum RowKernelArguments
{
    /// <summary>Nothing more: it reads the row.</summary>
    Inputs,
    /// <summary>The gradient spans of the differentiable inputs, which it writes.</summary>
    Gradients,
    /// <summary>The gradient span of the input whose factor it stores (<see cref="SummandCache"/>).</summary>
    Store,
    /// <summary>The gradient spans, the stored input's left empty: the storing pass wrote its whole gradient.</summary>
    OtherGradients,
}

/// <summary>
/// A kernel instance of a row loss: the struct it instantiates, the local that holds it in RunRows, and what its
/// constructor takes. The structs' names come from here alone, for the emitter of their declarations
/// (<see cref="LossEmitter.Kernels"/>) and for the passes that run them.
/// </summary>
internal sealed record RowKernel(string Struct, string Variable, RowKernelArguments Arguments = RowKernelArguments.Inputs)
{
    /// <summary>The summand of aggregate <paramref name="j"/>.</summary>
    public static RowKernel Aggregate(int j) => new($"Aggregate{j}Kernel", $"aggregate{j}");

    /// <summary>The summand of dA_K/dA_J.</summary>
    public static RowKernel Dependency(AggregateDependency d) => new($"Dependency{d.K}On{d.J}Kernel", $"dependency{d.K}On{d.J}");

    /// <summary>The row's gradients, given the aggregates and their coefficients.</summary>
    public static RowKernel Gradient { get; } = new("RowGradientKernel", "rowGradient", RowKernelArguments.Gradients);

    /// <summary>A pair aggregate's gradient for one input.</summary>
    public static RowKernel Pair(LossModel model, PairGradient p) =>
        new($"Pair{p.Aggregate}Gradient{Names.Pascal(model.Loss.Inputs[p.Input].Name)}Kernel", $"pair{p.Aggregate}Gradient{p.Input}");

    /// <summary>Aggregate <paramref name="j"/>'s summand that also stores a factor of a gradient (<see cref="SummandCache"/>).</summary>
    public static RowKernel Store(int j) => new($"Aggregate{j}StoreKernel", $"aggregate{j}Store", RowKernelArguments.Store);

    /// <summary>The row's gradients reading the stored factor back.</summary>
    public static RowKernel GradientCached { get; } = new("RowGradientCachedKernel", "rowGradientCached", RowKernelArguments.Gradients);

    /// <summary>The row's gradients of the inputs other than the stored one, whose whole gradient the storing pass wrote.</summary>
    public static RowKernel GradientOthers { get; } = new("RowGradientKernel", "rowGradientOthers", RowKernelArguments.OtherGradients);
}
