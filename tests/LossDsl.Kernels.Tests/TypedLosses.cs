using System;
using System.Numerics;
using System.Runtime.InteropServices;
using LossDsl.Losses;

namespace LossDsl.Kernels.Tests;

/// <summary>
/// The typed span API of a two-input loss, generic over float/double (the spans are reinterpreted, not copied, so
/// calls through an adapter allocate nothing). rowLength is used by row losses only.
/// </summary>
public interface ITypedLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    string Name { get; }
    /// <summary>A row length for n elements (row losses), ignored by elementwise losses.</summary>
    int RowLength(int n);
    T Forward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Reduction reduction);
    void Forward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> output);
    T ForwardBackward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> aGrad, Span<T> bGrad, Reduction reduction, T gradOutput);
    void ForwardBackward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> output, ReadOnlySpan<T> gradOutput, Span<T> aGrad, Span<T> bGrad);
    void Backward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> aGrad, Span<T> bGrad, Reduction reduction, T gradOutput);
    void Backward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, ReadOnlySpan<T> gradOutput, Span<T> aGrad, Span<T> bGrad);
}

public static class TypedLosses
{
    public static readonly string[] Names = ["mse_loss", "binary_cross_entropy_with_logits", "huber_loss", "log_cosh"];

    public static ITypedLoss<T> Get<T>(string name) where T : unmanaged, IBinaryFloatingPointIeee754<T> => name switch
    {
        "mse_loss" => new Mse<T>(),
        "binary_cross_entropy_with_logits" => new BceWithLogits<T>(),
        "huber_loss" => new Huber<T>(),
        "log_cosh" => new LogCoshRows<T>(),
        _ => throw new ArgumentException(name),
    };

    internal static bool IsFloat<T>() => typeof(T) == typeof(float);
    internal static ReadOnlySpan<float> F<T>(ReadOnlySpan<T> s) where T : struct => MemoryMarshal.Cast<T, float>(s);
    internal static Span<float> F<T>(Span<T> s) where T : struct => MemoryMarshal.Cast<T, float>(s);
    internal static ReadOnlySpan<double> D<T>(ReadOnlySpan<T> s) where T : struct => MemoryMarshal.Cast<T, double>(s);
    internal static Span<double> D<T>(Span<T> s) where T : struct => MemoryMarshal.Cast<T, double>(s);
    internal static T R<T>(float v) where T : IBinaryFloatingPointIeee754<T> => T.CreateTruncating(v);
    internal static T R<T>(double v) where T : IBinaryFloatingPointIeee754<T> => T.CreateTruncating(v);
    internal static float Fs<T>(T v) where T : IBinaryFloatingPointIeee754<T> => float.CreateTruncating(v);
    internal static double Ds<T>(T v) where T : IBinaryFloatingPointIeee754<T> => double.CreateTruncating(v);
}

internal sealed class Mse<T> : ITypedLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public string Name => "mse_loss";
    public int RowLength(int n) => 0;
    public T Forward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Reduction reduction) => TypedLosses.IsFloat<T>()
        ? TypedLosses.R<T>(MseLoss.Forward(TypedLosses.F(a), TypedLosses.F(b), reduction))
        : TypedLosses.R<T>(MseLoss.Forward(TypedLosses.D(a), TypedLosses.D(b), reduction));
    public void Forward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> output)
    {
        if (TypedLosses.IsFloat<T>()) MseLoss.Forward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(output));
        else MseLoss.Forward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(output));
    }
    public T ForwardBackward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> aGrad, Span<T> bGrad, Reduction reduction, T gradOutput) => TypedLosses.IsFloat<T>()
        ? TypedLosses.R<T>(MseLoss.ForwardBackward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(aGrad), TypedLosses.F(bGrad), reduction, TypedLosses.Fs(gradOutput)))
        : TypedLosses.R<T>(MseLoss.ForwardBackward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(aGrad), TypedLosses.D(bGrad), reduction, TypedLosses.Ds(gradOutput)));
    public void ForwardBackward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> output, ReadOnlySpan<T> gradOutput, Span<T> aGrad, Span<T> bGrad)
    {
        if (TypedLosses.IsFloat<T>()) MseLoss.ForwardBackward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(output), TypedLosses.F(gradOutput), TypedLosses.F(aGrad), TypedLosses.F(bGrad));
        else MseLoss.ForwardBackward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(output), TypedLosses.D(gradOutput), TypedLosses.D(aGrad), TypedLosses.D(bGrad));
    }
    public void Backward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> aGrad, Span<T> bGrad, Reduction reduction, T gradOutput)
    {
        if (TypedLosses.IsFloat<T>()) MseLoss.Backward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(aGrad), TypedLosses.F(bGrad), reduction, TypedLosses.Fs(gradOutput));
        else MseLoss.Backward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(aGrad), TypedLosses.D(bGrad), reduction, TypedLosses.Ds(gradOutput));
    }
    public void Backward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, ReadOnlySpan<T> gradOutput, Span<T> aGrad, Span<T> bGrad)
    {
        if (TypedLosses.IsFloat<T>()) MseLoss.Backward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(gradOutput), TypedLosses.F(aGrad), TypedLosses.F(bGrad));
        else MseLoss.Backward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(gradOutput), TypedLosses.D(aGrad), TypedLosses.D(bGrad));
    }
}

internal sealed class BceWithLogits<T> : ITypedLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public string Name => "binary_cross_entropy_with_logits";
    public int RowLength(int n) => 0;
    public T Forward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Reduction reduction) => TypedLosses.IsFloat<T>()
        ? TypedLosses.R<T>(BinaryCrossEntropyWithLogits.Forward(TypedLosses.F(a), TypedLosses.F(b), reduction))
        : TypedLosses.R<T>(BinaryCrossEntropyWithLogits.Forward(TypedLosses.D(a), TypedLosses.D(b), reduction));
    public void Forward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> output)
    {
        if (TypedLosses.IsFloat<T>()) BinaryCrossEntropyWithLogits.Forward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(output));
        else BinaryCrossEntropyWithLogits.Forward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(output));
    }
    public T ForwardBackward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> aGrad, Span<T> bGrad, Reduction reduction, T gradOutput) => TypedLosses.IsFloat<T>()
        ? TypedLosses.R<T>(BinaryCrossEntropyWithLogits.ForwardBackward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(aGrad), TypedLosses.F(bGrad), reduction, TypedLosses.Fs(gradOutput)))
        : TypedLosses.R<T>(BinaryCrossEntropyWithLogits.ForwardBackward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(aGrad), TypedLosses.D(bGrad), reduction, TypedLosses.Ds(gradOutput)));
    public void ForwardBackward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> output, ReadOnlySpan<T> gradOutput, Span<T> aGrad, Span<T> bGrad)
    {
        if (TypedLosses.IsFloat<T>()) BinaryCrossEntropyWithLogits.ForwardBackward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(output), TypedLosses.F(gradOutput), TypedLosses.F(aGrad), TypedLosses.F(bGrad));
        else BinaryCrossEntropyWithLogits.ForwardBackward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(output), TypedLosses.D(gradOutput), TypedLosses.D(aGrad), TypedLosses.D(bGrad));
    }
    public void Backward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> aGrad, Span<T> bGrad, Reduction reduction, T gradOutput)
    {
        if (TypedLosses.IsFloat<T>()) BinaryCrossEntropyWithLogits.Backward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(aGrad), TypedLosses.F(bGrad), reduction, TypedLosses.Fs(gradOutput));
        else BinaryCrossEntropyWithLogits.Backward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(aGrad), TypedLosses.D(bGrad), reduction, TypedLosses.Ds(gradOutput));
    }
    public void Backward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, ReadOnlySpan<T> gradOutput, Span<T> aGrad, Span<T> bGrad)
    {
        if (TypedLosses.IsFloat<T>()) BinaryCrossEntropyWithLogits.Backward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(gradOutput), TypedLosses.F(aGrad), TypedLosses.F(bGrad));
        else BinaryCrossEntropyWithLogits.Backward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(gradOutput), TypedLosses.D(aGrad), TypedLosses.D(bGrad));
    }
}

internal sealed class Huber<T> : ITypedLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public string Name => "huber_loss";
    public int RowLength(int n) => 0;
    public T Forward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Reduction reduction) => TypedLosses.IsFloat<T>()
        ? TypedLosses.R<T>(HuberLoss.Forward(TypedLosses.F(a), TypedLosses.F(b), reduction))
        : TypedLosses.R<T>(HuberLoss.Forward(TypedLosses.D(a), TypedLosses.D(b), reduction));
    public void Forward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> output)
    {
        if (TypedLosses.IsFloat<T>()) HuberLoss.Forward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(output));
        else HuberLoss.Forward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(output));
    }
    public T ForwardBackward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> aGrad, Span<T> bGrad, Reduction reduction, T gradOutput) => TypedLosses.IsFloat<T>()
        ? TypedLosses.R<T>(HuberLoss.ForwardBackward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(aGrad), TypedLosses.F(bGrad), reduction, TypedLosses.Fs(gradOutput)))
        : TypedLosses.R<T>(HuberLoss.ForwardBackward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(aGrad), TypedLosses.D(bGrad), reduction, TypedLosses.Ds(gradOutput)));
    public void ForwardBackward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> output, ReadOnlySpan<T> gradOutput, Span<T> aGrad, Span<T> bGrad)
    {
        if (TypedLosses.IsFloat<T>()) HuberLoss.ForwardBackward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(output), TypedLosses.F(gradOutput), TypedLosses.F(aGrad), TypedLosses.F(bGrad));
        else HuberLoss.ForwardBackward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(output), TypedLosses.D(gradOutput), TypedLosses.D(aGrad), TypedLosses.D(bGrad));
    }
    public void Backward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> aGrad, Span<T> bGrad, Reduction reduction, T gradOutput)
    {
        if (TypedLosses.IsFloat<T>()) HuberLoss.Backward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(aGrad), TypedLosses.F(bGrad), reduction, TypedLosses.Fs(gradOutput));
        else HuberLoss.Backward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(aGrad), TypedLosses.D(bGrad), reduction, TypedLosses.Ds(gradOutput));
    }
    public void Backward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, ReadOnlySpan<T> gradOutput, Span<T> aGrad, Span<T> bGrad)
    {
        if (TypedLosses.IsFloat<T>()) HuberLoss.Backward(TypedLosses.F(a), TypedLosses.F(b), TypedLosses.F(gradOutput), TypedLosses.F(aGrad), TypedLosses.F(bGrad));
        else HuberLoss.Backward(TypedLosses.D(a), TypedLosses.D(b), TypedLosses.D(gradOutput), TypedLosses.D(aGrad), TypedLosses.D(bGrad));
    }
}

internal sealed class LogCoshRows<T> : ITypedLoss<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public string Name => "log_cosh";
    /// <summary>The largest divisor of n not above 40 (several rows, each long enough for the vector bodies).</summary>
    public int RowLength(int n)
    {
        for (int l = Math.Min(n, 40); l > 1; l--) if (n % l == 0) return l;
        return 1;
    }
    public T Forward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Reduction reduction) => TypedLosses.IsFloat<T>()
        ? TypedLosses.R<T>(LogCosh.Forward(TypedLosses.F(a), TypedLosses.F(b), rowLength, reduction))
        : TypedLosses.R<T>(LogCosh.Forward(TypedLosses.D(a), TypedLosses.D(b), rowLength, reduction));
    public void Forward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> output)
    {
        if (TypedLosses.IsFloat<T>()) LogCosh.Forward(TypedLosses.F(a), TypedLosses.F(b), rowLength, TypedLosses.F(output));
        else LogCosh.Forward(TypedLosses.D(a), TypedLosses.D(b), rowLength, TypedLosses.D(output));
    }
    public T ForwardBackward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> aGrad, Span<T> bGrad, Reduction reduction, T gradOutput) => TypedLosses.IsFloat<T>()
        ? TypedLosses.R<T>(LogCosh.ForwardBackward(TypedLosses.F(a), TypedLosses.F(b), rowLength, TypedLosses.F(aGrad), TypedLosses.F(bGrad), reduction, TypedLosses.Fs(gradOutput)))
        : TypedLosses.R<T>(LogCosh.ForwardBackward(TypedLosses.D(a), TypedLosses.D(b), rowLength, TypedLosses.D(aGrad), TypedLosses.D(bGrad), reduction, TypedLosses.Ds(gradOutput)));
    public void ForwardBackward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> output, ReadOnlySpan<T> gradOutput, Span<T> aGrad, Span<T> bGrad)
    {
        if (TypedLosses.IsFloat<T>()) LogCosh.ForwardBackward(TypedLosses.F(a), TypedLosses.F(b), rowLength, TypedLosses.F(output), TypedLosses.F(gradOutput), TypedLosses.F(aGrad), TypedLosses.F(bGrad));
        else LogCosh.ForwardBackward(TypedLosses.D(a), TypedLosses.D(b), rowLength, TypedLosses.D(output), TypedLosses.D(gradOutput), TypedLosses.D(aGrad), TypedLosses.D(bGrad));
    }
    public void Backward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, Span<T> aGrad, Span<T> bGrad, Reduction reduction, T gradOutput)
    {
        if (TypedLosses.IsFloat<T>()) LogCosh.Backward(TypedLosses.F(a), TypedLosses.F(b), rowLength, TypedLosses.F(aGrad), TypedLosses.F(bGrad), reduction, TypedLosses.Fs(gradOutput));
        else LogCosh.Backward(TypedLosses.D(a), TypedLosses.D(b), rowLength, TypedLosses.D(aGrad), TypedLosses.D(bGrad), reduction, TypedLosses.Ds(gradOutput));
    }
    public void Backward(ReadOnlySpan<T> a, ReadOnlySpan<T> b, int rowLength, ReadOnlySpan<T> gradOutput, Span<T> aGrad, Span<T> bGrad)
    {
        if (TypedLosses.IsFloat<T>()) LogCosh.Backward(TypedLosses.F(a), TypedLosses.F(b), rowLength, TypedLosses.F(gradOutput), TypedLosses.F(aGrad), TypedLosses.F(bGrad));
        else LogCosh.Backward(TypedLosses.D(a), TypedLosses.D(b), rowLength, TypedLosses.D(gradOutput), TypedLosses.D(aGrad), TypedLosses.D(bGrad));
    }
}
