namespace LossDsl.Generator.Emit;

/// <summary>One width a kernel body is emitted at: scalar <c>T</c>, or a Vector128/256/512 of <c>T</c>.</summary>
internal sealed record Width(string Suffix, string Type, string? Vector)
{
    public static readonly Width Scalar = new("", "T", null);
    public static readonly Width V128 = new("128", "Vector128<T>", "Vector128");
    public static readonly Width V256 = new("256", "Vector256<T>", "Vector256");
    public static readonly Width V512 = new("512", "Vector512<T>", "Vector512");
    public static readonly Width[] All = { Scalar, V128, V256, V512 };

    public bool IsScalar => Vector is null;

    /// <summary>The variable holding the element index the body reads and writes at: <c>i</c>, or <c>j</c> for the second copy of a pair step.</summary>
    public string Index { get; init; } = "i";

    /// <summary>
    /// A per-call scalar field read at this width from its one spread copy, a Vector512 (<c>_delta512</c>, set once per
    /// call whichever width runs): the field itself for a scalar, else the copy or its lower lanes.
    /// </summary>
    public string Lanes(string field) => Suffix switch
    {
        "" => field,
        "512" => field + "512",
        "256" => field + "512.GetLower()",
        _ => field + "512.GetLower().GetLower()",
    };

    /// <summary>A scalar value broadcast to every lane.</summary>
    public string Splat(string scalar) => IsScalar ? scalar : $"{Vector}.Create({scalar})";

    public string Zero => $"{Type}.Zero";
    public string One => $"{Type}.One";
    public string AllBitsSet => $"{Type}.AllBitsSet";

    /// <summary>Reads element(s) <see cref="Index"/> of a span field.</summary>
    public string Load(string span) => IsScalar ? $"{span}[{Index}]" : $"{Vector}.LoadUnsafe(ref MemoryMarshal.GetReference({span}), (nuint){Index})";

    /// <summary>Reads element(s) <paramref name="index"/> of a span field.</summary>
    public string LoadAt(string span, string index) => IsScalar ? $"{span}[{index}]" : $"{Vector}.LoadUnsafe(ref MemoryMarshal.GetReference({span}), (nuint)({index}))";

    /// <summary>The column of element(s) <see cref="Index"/> in their row, as T.</summary>
    public string Column => IsScalar ? $"T.CreateTruncating({Index} - RowStart)" : $"{Vector}.CreateSequence(T.CreateTruncating({Index} - RowStart), T.One)";

    /// <summary>Writes element(s) <see cref="Index"/> of a span field.</summary>
    public string Store(string value, string span) => IsScalar
        ? $"{span}[{Index}] = {value};"
        : $"({value}).StoreUnsafe(ref MemoryMarshal.GetReference({span}), (nuint){Index});";
}
