using System;
using System.Linq;
using System.Numerics;
using System.Numerics.Tensors;

namespace LossDsl.Tensors;

/// <summary>
/// A dense row-major tensor as PyTorch's functions take it: a shape, and values held as doubles whatever its
/// <see cref="Type"/> (a float32 tensor holds doubles that are exactly floats, an int64 one whole numbers). The
/// arguments and results of <see cref="TensorLoss"/>; <see cref="From{T}(ReadOnlyTensorSpan{T})"/> and
/// <see cref="ToTensor{T}"/> convert from and to System.Numerics.Tensors.
/// </summary>
public sealed class LossTensor
{
    /// <summary>A tensor of <paramref name="shape"/> holding <paramref name="data"/> in row-major order.</summary>
    public LossTensor(int[] shape, double[] data, TensorElementType type = TensorElementType.Float64)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"a shape has no negative dimension: {TensorShapes.Format(shape)}", nameof(shape));
        long count = TensorShapes.Count(shape);
        if (count != data.Length)
            throw new ArgumentException($"a tensor of shape {TensorShapes.Format(shape)} needs {count} values but has {data.Length}", nameof(data));
        Shape = shape;
        Data = data;
        Type = type;
    }

    /// <summary>The extent of each axis; empty for a scalar.</summary>
    public int[] Shape { get; }
    /// <summary>The values in row-major order.</summary>
    public double[] Data { get; }
    /// <summary>The element type.</summary>
    public TensorElementType Type { get; }

    /// <summary>The number of dimensions.</summary>
    public int Rank => Shape.Length;
    /// <summary>The number of values.</summary>
    public int Count => Data.Length;
    /// <summary>Whether the values are integers (<see cref="TensorElementType.Int64"/>).</summary>
    public bool IsInteger => Type == TensorElementType.Int64;

    /// <summary>A scalar (shape <c>[]</c>).</summary>
    public static LossTensor Scalar(double value, TensorElementType type = TensorElementType.Float64) => new([], [value], type);

    /// <summary>The same values rounded to <paramref name="type"/> (float32 rounds each value to float; integers stay as they are).</summary>
    public LossTensor To(TensorElementType type)
    {
        if (type == Type || Type == TensorElementType.Int64) return this;
        if (type == TensorElementType.Float32)
            return new LossTensor(Shape, Array.ConvertAll(Data, static d => (double)(float)d), type);
        return new LossTensor(Shape, Data, type);
    }

    /// <summary>The same values seen with another shape of the same element count.</summary>
    public LossTensor Reshape(int[] shape) => new(shape, Data, Type);

    /// <summary>The shape and the first values.</summary>
    public override string ToString() =>
        $"{TensorShapes.Format(Shape)} [{string.Join(", ", Data.Take(8))}{(Data.Length > 8 ? ", ..." : "")}]";

    /// <summary>The values of a floating-point tensor span (contiguous or strided), in row-major order.</summary>
    public static LossTensor From<T>(ReadOnlyTensorSpan<T> tensor) where T : IFloatingPointIeee754<T>
    {
        var type = typeof(T) == typeof(float) ? TensorElementType.Float32 : TensorElementType.Float64;
        return new LossTensor(ShapeOf(tensor.Lengths), Values(tensor, static v => double.CreateTruncating(v)), type);
    }

    /// <summary>
    /// <see cref="From{T}(ReadOnlyTensorSpan{T})"/> for an optional argument: null for a default (never assigned) span,
    /// which has no dimensions and no values (a 0-d tensor has one value).
    /// </summary>
    public static LossTensor? FromOptional<T>(ReadOnlyTensorSpan<T> tensor) where T : IFloatingPointIeee754<T> =>
        tensor.Rank == 0 && tensor.IsEmpty ? null : From(tensor);

    /// <summary>Integer values (class indices, lengths, label lists) from a tensor span, as PyTorch's int64 tensors.</summary>
    public static LossTensor FromIntegers(ReadOnlyTensorSpan<long> tensor) =>
        new(ShapeOf(tensor.Lengths), Values(tensor, static v => (double)v), TensorElementType.Int64);

    /// <summary>
    /// The values as a new System.Numerics.Tensors tensor of this shape. System.Numerics.Tensors has no 0-d tensors
    /// (a tensor created with no lengths has rank 1 and no values): a 0-d value, as a reduced loss, comes back with
    /// shape [1].
    /// </summary>
    public Tensor<T> ToTensor<T>() where T : IFloatingPointIeee754<T>
    {
        var values = new T[Data.Length];
        for (int i = 0; i < values.Length; i++) values[i] = T.CreateTruncating(Data[i]);
        return Tensor.Create(values, Shape.Length == 0 ? [1] : Array.ConvertAll(Shape, static d => (nint)d));
    }

    private static int[] ShapeOf(ReadOnlySpan<nint> lengths)
    {
        var shape = new int[lengths.Length];
        for (int i = 0; i < shape.Length; i++) shape[i] = checked((int)lengths[i]);
        return shape;
    }

    private static double[] Values<T>(ReadOnlyTensorSpan<T> tensor, Func<T, double> convert)
    {
        var data = new double[checked((int)tensor.FlattenedLength)];
        int k = 0;
        foreach (T value in tensor) data[k++] = convert(value);
        return data;
    }
}
