using System.Collections.Generic;
using System.Text.Json;

namespace LossDsl.Cli.Eval;

/// <summary>The precision a case is computed in.</summary>
public enum DType
{
    Float64,
    Float32,
}

/// <summary>One checked case: which loss, its options, its input tensors (already rounded to <see cref="DType"/>), which gradients.</summary>
public sealed class Case
{
    /// <summary>The case's id as written (any JSON value), echoed in the answer; <c>Undefined</c> when absent.</summary>
    public JsonElement Id { get; init; }
    public required string Loss { get; init; }
    public DType DType { get; init; } = DType.Float64;
    /// <summary>The options as written; their meaning depends on the loss.</summary>
    public IReadOnlyDictionary<string, JsonElement> Options { get; init; } = new Dictionary<string, JsonElement>();
    public required IReadOnlyDictionary<string, LossTensor> Inputs { get; init; }
    /// <summary>The inputs whose gradient is wanted.</summary>
    public IReadOnlyList<string> Grad { get; init; } = [];
    /// <summary>The inputs whose Hessian diagonal is wanted (d²L/dx_i² of the scalar whose gradient <see cref="Grad"/> asks for).</summary>
    public IReadOnlyList<string> Hess { get; init; } = [];
    /// <summary>The upstream gradient, or null for ones.</summary>
    public LossTensor? GradOutput { get; init; }

    public TensorElementType FloatType => DType == DType.Float32 ? TensorElementType.Float32 : TensorElementType.Float64;
}
