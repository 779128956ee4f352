namespace LossDsl;

/// <summary>The extent over which a loss produces one value.</summary>
public enum LossKind
{
    /// <summary>One value per element; <see cref="Reduction"/> combines them.</summary>
    Elementwise,
    /// <summary>One value per row (the last axis, of length <c>rowLength</c>); <see cref="Reduction"/> combines the rows.</summary>
    Row,
    /// <summary>One value for the whole input (<c>sum_all</c>/<c>mean_all</c>); the reduction does not apply.</summary>
    Whole,
}
