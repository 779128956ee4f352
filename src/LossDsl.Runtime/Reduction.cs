namespace LossDsl;

/// <summary>How the per-element (or per-row) losses are combined into the value a kernel returns.</summary>
public enum Reduction
{
    /// <summary>No reduction: one value per element (per row for row losses), written to an output span.</summary>
    None = 0,
    /// <summary>The arithmetic mean of the per-element values.</summary>
    Mean = 1,
    /// <summary>The sum of the per-element values.</summary>
    Sum = 2,
}
