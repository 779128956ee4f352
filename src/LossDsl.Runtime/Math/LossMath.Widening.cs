using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

/// <summary>A double-precision algorithm, generic over the width, that float lanes can be widened into.</summary>
internal interface IDoubleKernel
{
    static abstract TV Apply<TV, O>(TV x) where O : ILaneOps<TV, double>;
}

// Float-via-double: where the float algorithm would cost more than 2 ulp (the scalar float paths, vector atan, cosh and pow),
// the float lanes are widened to double, the double algorithm runs, and the result is rounded once to float.
public static partial class LossMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> ViaDouble<K>(Vector128<float> x) where K : IDoubleKernel
    {
        (Vector128<double> lo, Vector128<double> hi) = Vector128.Widen(x);
        return Vector128.Narrow(K.Apply<Vector128<double>, V128Ops<double>>(lo), K.Apply<Vector128<double>, V128Ops<double>>(hi));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ViaDouble<K>(Vector256<float> x) where K : IDoubleKernel
    {
        (Vector256<double> lo, Vector256<double> hi) = Vector256.Widen(x);
        return Vector256.Narrow(K.Apply<Vector256<double>, V256Ops<double>>(lo), K.Apply<Vector256<double>, V256Ops<double>>(hi));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> ViaDouble<K>(Vector512<float> x) where K : IDoubleKernel
    {
        (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(x);
        return Vector512.Narrow(K.Apply<Vector512<double>, V512Ops<double>>(lo), K.Apply<Vector512<double>, V512Ops<double>>(hi));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ViaDouble<K>(float x) where K : IDoubleKernel
        => (float)K.Apply<double, ScalarOps<double>>(x);
}
