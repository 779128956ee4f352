using System;
using System.Linq;

namespace LossDsl.Cli.Eval;

/// <summary>The element type of a <see cref="Tensor"/>: how its values were given and how they are written back.</summary>
public enum ElementType
{
    /// <summary>Double precision.</summary>
    Float64,
    /// <summary>Single precision: the values are already rounded to float and are written as floats.</summary>
    Float32,
    /// <summary>Integers (class indices, lengths, labels).</summary>
    Int64,
}

/// <summary>
/// A dense row-major tensor of the protocol, its values held as doubles whatever its <see cref="Type"/>
/// (a float32 tensor holds doubles that are exactly floats).
/// </summary>
public sealed class Tensor
{
    public Tensor(int[] shape, double[] data, ElementType type = ElementType.Float64)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        long count = Shapes.Count(shape);
        if (count != data.Length)
            throw new EvalException($"a tensor of shape {Shapes.Format(shape)} needs {count} values but has {data.Length}");
        Shape = shape;
        Data = data;
        Type = type;
    }

    /// <summary>The extent of each axis; empty for a scalar.</summary>
    public int[] Shape { get; }
    /// <summary>The values in row-major order.</summary>
    public double[] Data { get; }
    /// <summary>The element type.</summary>
    public ElementType Type { get; }

    public int Rank => Shape.Length;
    public int Count => Data.Length;
    public bool IsInteger => Type == ElementType.Int64;

    /// <summary>A scalar (shape <c>[]</c>).</summary>
    public static Tensor Scalar(double value, ElementType type = ElementType.Float64) => new([], [value], type);

    /// <summary>The same values rounded to <paramref name="type"/> (float32 rounds each value to float; integers stay as they are).</summary>
    public Tensor To(ElementType type)
    {
        if (type == Type || Type == ElementType.Int64) return this;
        if (type == ElementType.Float32)
            return new Tensor(Shape, Array.ConvertAll(Data, static d => (double)(float)d), type);
        return new Tensor(Shape, Data, type);
    }

    /// <summary>The same values seen with another shape of the same element count.</summary>
    public Tensor Reshape(int[] shape) => new(shape, Data, Type);

    public override string ToString() =>
        $"{Shapes.Format(Shape)} [{string.Join(", ", Data.Take(8))}{(Data.Length > 8 ? ", ..." : "")}]";
}
