namespace LossDsl.Generator.Plan;

/// <summary>What a parameter of <c>Run</c> carries.</summary>
internal enum ParameterRole
{
    /// <summary>An input's values (<see cref="RunParameter.Index"/>: the input).</summary>
    Input,
    /// <summary>A row loss's row length.</summary>
    RowLength,
    /// <summary>An option (<see cref="RunParameter.Index"/>: the option).</summary>
    Option,
    /// <summary>An elementwise loss's optional per-element weight.</summary>
    Weight,
    Reduction,
    /// <summary>The per-element or per-row losses (<c>Reduction.None</c>).</summary>
    Output,
    /// <summary>Whether the gradients are wanted.</summary>
    Gradients,
    /// <summary>The per-element or per-row upstream gradient (<c>Reduction.None</c>).</summary>
    GradOutputs,
    /// <summary>The scalar upstream gradient.</summary>
    GradOutput,
    /// <summary>An input's gradient span (<see cref="RunParameter.Index"/>: the input).</summary>
    Gradient,
    HessianPolicy,
    /// <summary>An input's Hessian diagonal span (<see cref="RunParameter.Index"/>: the input).</summary>
    Hessian,
    /// <summary>RunRows and RunChunked: the mean's divisor, computed by Run over all the rows.</summary>
    Divisor,
    /// <summary>RunRows and RunChunked of a loss that reads <c>row</c>: the number of their first row.</summary>
    FirstRow,
}

/// <summary>The C# type of a parameter, for an element type T.</summary>
internal enum ParameterType
{
    /// <summary><c>ReadOnlySpan&lt;T&gt;</c></summary>
    Values,
    /// <summary><c>ReadOnlySpan&lt;int&gt;</c>: class indices, label lists.</summary>
    Indices,
    /// <summary><c>Span&lt;T&gt;</c>: written.</summary>
    Outputs,
    /// <summary><c>int</c></summary>
    Count,
    /// <summary><c>bool</c></summary>
    Flag,
    /// <summary><c>T</c></summary>
    Scalar,
    /// <summary><c>Reduction</c></summary>
    Reduction,
    /// <summary><c>HessianPolicy</c></summary>
    HessianPolicy,
}

/// <summary>
/// One parameter of <c>Run</c> (or <c>RunHessian</c>): what it carries, its type and its identifier in the
/// implementation. <paramref name="Index"/> is the input or option it belongs to (-1 for the others): the public API
/// and the run-time definition find the parameter by its role and index, never by its name.
/// </summary>
internal sealed record RunParameter(ParameterRole Role, ParameterType Type, string Name, int Index = -1)
{
    public bool IsSpan => Type is ParameterType.Values or ParameterType.Indices or ParameterType.Outputs;

    /// <summary>Whether it carries <paramref name="role"/> (of input or option <paramref name="index"/>).</summary>
    public bool Carries(ParameterRole role, int index = -1) => Role == role && Index == index;

    /// <summary>
    /// The C# type for element type <paramref name="element"/>: as the implementation names it (<c>Span&lt;T&gt;</c>), or
    /// <paramref name="qualified"/> with <c>global::</c> for the user's namespace (<c>global::System.Span&lt;float&gt;</c>).
    /// </summary>
    public string TypeText(string element = "T", bool qualified = false)
    {
        string system = qualified ? "global::System." : "", library = qualified ? "global::LossDsl." : "";
        return Type switch
        {
            ParameterType.Values => $"{system}ReadOnlySpan<{element}>",
            ParameterType.Indices => $"{system}ReadOnlySpan<int>",
            ParameterType.Outputs => $"{system}Span<{element}>",
            ParameterType.Count => "int",
            ParameterType.Flag => "bool",
            ParameterType.Scalar => element,
            ParameterType.Reduction => library + "Reduction",
            ParameterType.HessianPolicy => library + "HessianPolicy",
            var other => throw new Diagnostics.UnexpectedValueException("The parameter type", other),
        };
    }
}
