using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace LossDsl.Tensors;

/// <summary>
/// The tensor API's path without copies: when every tensor of a call is dense and of one shape (and the loss's shape
/// rules hold for it, <see cref="Fits"/>), the generated <c>Tensors</c> methods run the loss's span method directly on
/// the tensors' memory and wrap its outputs, instead of going through <see cref="TensorLoss"/> (which copies every
/// tensor to broadcast it). Both paths run the same span kernel: the results are the same bits.
/// </summary>
public static class DenseTensors
{
    /// <summary>
    /// Whether an elementwise loss takes a call whose inputs all have <paramref name="lengths"/> (at least one
    /// dimension, at least one element) with every shape rule holding as it stands.
    /// </summary>
    public static bool Fits(ILossDefinition loss, ReadOnlySpan<nint> lengths)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (loss.Kind != LossKind.Elementwise || lengths.Length == 0) return false;
        long count = LongCount(lengths);
        if (count <= 0 || count > Array.MaxLength) return false;
        foreach (var rule in loss.ShapeRules)
            if (!rule.HoldsForOneShape(lengths.Length)) return false;
        return true;
    }

    /// <summary>The values of <paramref name="tensor"/> in place, when it is dense and has exactly <paramref name="lengths"/>.</summary>
    public static bool TryGet<T>(in ReadOnlyTensorSpan<T> tensor, ReadOnlySpan<nint> lengths, out ReadOnlySpan<T> values)
    {
        values = default;
        if (!tensor.IsDense || !tensor.Lengths.SequenceEqual(lengths)) return false;
        Span<nint> origin = stackalloc nint[lengths.Length];
        origin.Clear();
        return tensor.TryGetSpan(origin, checked((int)tensor.FlattenedLength), out values);
    }

    /// <summary><see cref="TryGet{T}"/> for an optional argument: a default (never assigned) span is empty values.</summary>
    public static bool TryGetOptional<T>(in ReadOnlyTensorSpan<T> tensor, ReadOnlySpan<nint> lengths, out ReadOnlySpan<T> values)
    {
        values = default;
        return IsAbsent(tensor) || TryGet(tensor, lengths, out values);
    }

    /// <summary>The upstream gradient of a reduced loss: one when absent, else the one value of a one-element tensor.</summary>
    public static bool TryGetUpstream<T>(in ReadOnlyTensorSpan<T> gradOutput, out T value) where T : INumberBase<T>
    {
        value = T.One;
        if (IsAbsent(gradOutput)) return true;
        if (gradOutput.FlattenedLength != 1) return false;
        foreach (T v in gradOutput) value = v;
        return true;
    }

    /// <summary>The upstream gradient of an unreduced loss: ones when absent, else a dense tensor of the loss's shape.</summary>
    public static bool TryGetUpstreams<T>(in ReadOnlyTensorSpan<T> gradOutput, ReadOnlySpan<nint> lengths, out ReadOnlySpan<T> values) where T : INumberBase<T>
    {
        if (!IsAbsent(gradOutput)) return TryGet(gradOutput, lengths, out values);
        var ones = new T[Count(lengths)];
        Array.Fill(ones, T.One);
        values = ones;
        return true;
    }

    /// <summary>A new tensor of <paramref name="lengths"/> and its values, not zeroed: a span method writes every one.</summary>
    public static Tensor<T> Create<T>(ReadOnlySpan<nint> lengths, out Span<T> values)
    {
        var data = GC.AllocateUninitializedArray<T>(Count(lengths));
        values = data;
        return Tensor.Create(data, lengths);
    }

    /// <summary>A reduced loss as the tensor API returns it: shape [1] (System.Numerics.Tensors has no 0-d tensors).</summary>
    public static Tensor<T> Scalar<T>(T value) => Tensor.Create(new[] { value }, [1]);

    // A default ReadOnlyTensorSpan (an optional argument left out) has no dimensions and no values; a 0-d tensor has one.
    private static bool IsAbsent<T>(in ReadOnlyTensorSpan<T> tensor) => tensor.Rank == 0 && tensor.IsEmpty;

    private static int Count(ReadOnlySpan<nint> lengths) => checked((int)LongCount(lengths));

    private static long LongCount(ReadOnlySpan<nint> lengths)
    {
        long count = 1;
        foreach (nint d in lengths) count *= d;
        return count;
    }
}
