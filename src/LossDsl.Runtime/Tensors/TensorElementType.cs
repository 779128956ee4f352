namespace LossDsl.Tensors;

/// <summary>The element type of a <see cref="LossTensor"/>: how its values were given and how they are written back.</summary>
public enum TensorElementType
{
    /// <summary>Double precision.</summary>
    Float64,
    /// <summary>Single precision: the values are already rounded to float.</summary>
    Float32,
    /// <summary>Integers (class indices, lengths, labels): PyTorch's int64.</summary>
    Int64,
}
