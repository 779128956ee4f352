using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

// Sigmoid, Softplus and LogSigmoid, in forms that neither overflow nor cancel on either side.
// Scalar double uses the same formulas over the C runtime's exp/log; scalar float is computed in double;
// vector float runs in float lanes (SigmoidF, SoftplusF, LogSigmoidF in LossMath.Single.cs).
public static partial class LossMath
{
    // ---- Sigmoid ----

    /// <summary>1 / (1 + e^-x); sigmoid(-inf) = 0, sigmoid(inf) = 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sigmoid<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Unsafe.BitCast<float, T>(ViaDouble<SigmoidKernel>(Unsafe.BitCast<T, float>(x)));
        return SigmoidCore<T, T, ScalarOps<T>>(x);
    }

    /// <summary>1 / (1 + e^-x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Sigmoid<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? SigmoidF<Vector128<float>, V128Ops<float>>(x.As<T, float>()).As<float, T>()
            : SigmoidCore<Vector128<T>, T, V128Ops<T>>(x);

    /// <summary>1 / (1 + e^-x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sigmoid<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? SigmoidF<Vector256<float>, V256Ops<float>>(x.As<T, float>()).As<float, T>()
            : SigmoidCore<Vector256<T>, T, V256Ops<T>>(x);

    /// <summary>1 / (1 + e^-x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sigmoid<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? SigmoidF<Vector512<float>, V512Ops<float>>(x.As<T, float>()).As<float, T>()
            : SigmoidCore<Vector512<T>, T, V512Ops<T>>(x);

    // e = e^-|x| (never overflows); sigmoid = 1 / (1 + e) for x >= 0, e / (1 + e) for x < 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV SigmoidCore<TV, T, O>(TV x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> where O : ILaneOps<TV, T>
    {
        TV one = O.C(1.0);
        TV e = O.Exp(O.Neg(O.Abs(x)));
        TV d = O.Add(one, e);
        return O.Div(O.Select(O.Lt(x, O.C(0.0)), e, one), d);
    }

    // ---- Softplus ----

    /// <summary>log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Softplus<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Unsafe.BitCast<float, T>(ViaDouble<SoftplusKernel>(Unsafe.BitCast<T, float>(x)));
        return SoftplusCore<T, T, ScalarOps<T>>(x);
    }

    /// <summary>log(1 + e^x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Softplus<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? SoftplusF<Vector128<float>, V128Ops<float>>(x.As<T, float>()).As<float, T>()
            : SoftplusCore<Vector128<T>, T, V128Ops<T>>(x);

    /// <summary>log(1 + e^x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Softplus<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? SoftplusF<Vector256<float>, V256Ops<float>>(x.As<T, float>()).As<float, T>()
            : SoftplusCore<Vector256<T>, T, V256Ops<T>>(x);

    /// <summary>log(1 + e^x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Softplus<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? SoftplusF<Vector512<float>, V512Ops<float>>(x.As<T, float>()).As<float, T>()
            : SoftplusCore<Vector512<T>, T, V512Ops<T>>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV SoftplusCore<TV, T, O>(TV x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> where O : ILaneOps<TV, T>
    {
        TV l = Log1pCore<TV, T, O>(O.Exp(O.Neg(O.Abs(x))));
        return O.Add(O.Max(x, O.C(0.0)), l);
    }

    // ---- LogSigmoid ----

    /// <summary>log(sigmoid(x)) = -softplus(-x) = min(x, 0) - log1p(e^-|x|).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LogSigmoid<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Unsafe.BitCast<float, T>(ViaDouble<LogSigmoidKernel>(Unsafe.BitCast<T, float>(x)));
        return LogSigmoidCore<T, T, ScalarOps<T>>(x);
    }

    /// <summary>log(sigmoid(x)) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LogSigmoid<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? LogSigmoidF<Vector128<float>, V128Ops<float>>(x.As<T, float>()).As<float, T>()
            : LogSigmoidCore<Vector128<T>, T, V128Ops<T>>(x);

    /// <summary>log(sigmoid(x)) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LogSigmoid<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? LogSigmoidF<Vector256<float>, V256Ops<float>>(x.As<T, float>()).As<float, T>()
            : LogSigmoidCore<Vector256<T>, T, V256Ops<T>>(x);

    /// <summary>log(sigmoid(x)) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LogSigmoid<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? LogSigmoidF<Vector512<float>, V512Ops<float>>(x.As<T, float>()).As<float, T>()
            : LogSigmoidCore<Vector512<T>, T, V512Ops<T>>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV LogSigmoidCore<TV, T, O>(TV x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> where O : ILaneOps<TV, T>
    {
        TV l = Log1pCore<TV, T, O>(O.Exp(O.Neg(O.Abs(x))));
        return O.Sub(O.Min(x, O.C(0.0)), l);
    }

    private readonly struct SigmoidKernel : IDoubleKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV, O>(TV x) where O : ILaneOps<TV, double> => SigmoidCore<TV, double, O>(x);
    }

    private readonly struct SoftplusKernel : IDoubleKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV, O>(TV x) where O : ILaneOps<TV, double> => SoftplusCore<TV, double, O>(x);
    }

    private readonly struct LogSigmoidKernel : IDoubleKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV, O>(TV x) where O : ILaneOps<TV, double> => LogSigmoidCore<TV, double, O>(x);
    }
}
