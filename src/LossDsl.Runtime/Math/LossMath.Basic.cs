using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LossDsl;

// Abs, Sign, Sqrt and the NaN-propagating Min / Max (PyTorch's minimum / maximum).
public static partial class LossMath
{
    /// <summary>|x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Abs<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.Abs(x);

    /// <summary>|x|. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Abs<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector128.Abs(x);

    /// <summary>|x|. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Abs<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector256.Abs(x);

    /// <summary>|x|. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Abs<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector512.Abs(x);

    /// <summary>-1, 0 or +1 by the sign of x; 0 for zeros and for NaN, as torch.sign.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sign<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => x > T.Zero ? T.One : x < T.Zero ? -T.One : T.Zero;

    /// <summary>-1, 0 or +1 by the sign of x; 0 for zeros and for NaN, as torch.sign. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Sign<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => ((x & Vector128.Create(T.NegativeZero)) | Vector128<T>.One) & NonZero(x);

    /// <summary>-1, 0 or +1 by the sign of x; 0 for zeros and for NaN, as torch.sign. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sign<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => ((x & Vector256.Create(T.NegativeZero)) | Vector256<T>.One) & NonZero(x);

    /// <summary>-1, 0 or +1 by the sign of x; 0 for zeros and for NaN, as torch.sign. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sign<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => ((x & Vector512.Create(T.NegativeZero)) | Vector512<T>.One) & Vector512.GreaterThan(Vector512.Abs(x), Vector512<T>.Zero);

    // Sign per lane: +-1 with x's sign bit (and, or), kept where x is neither zero nor NaN (one ordered not-equal
    // compare where AVX has it), else +0: four instructions where two compares and two selects took six.

    /// <summary>All ones where x is neither zero nor NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> NonZero<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Avx.IsSupported && typeof(T) == typeof(float))
            return Avx.Compare(x.As<T, float>(), Vector128<float>.Zero, FloatComparisonMode.OrderedNotEqualNonSignaling).As<float, T>();
        if (Avx.IsSupported && typeof(T) == typeof(double))
            return Avx.Compare(x.As<T, double>(), Vector128<double>.Zero, FloatComparisonMode.OrderedNotEqualNonSignaling).As<double, T>();
        return Vector128.GreaterThan(Vector128.Abs(x), Vector128<T>.Zero);
    }

    /// <summary>All ones where x is neither zero nor NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> NonZero<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Avx.IsSupported && typeof(T) == typeof(float))
            return Avx.Compare(x.As<T, float>(), Vector256<float>.Zero, FloatComparisonMode.OrderedNotEqualNonSignaling).As<float, T>();
        if (Avx.IsSupported && typeof(T) == typeof(double))
            return Avx.Compare(x.As<T, double>(), Vector256<double>.Zero, FloatComparisonMode.OrderedNotEqualNonSignaling).As<double, T>();
        return Vector256.GreaterThan(Vector256.Abs(x), Vector256<T>.Zero);
    }

    /// <summary>Square root (correctly rounded).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sqrt<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => T.Sqrt(x);

    /// <summary>Square root (correctly rounded). (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Sqrt<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector128.Sqrt(x);

    /// <summary>Square root (correctly rounded). (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sqrt<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector256.Sqrt(x);

    /// <summary>Square root (correctly rounded). (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sqrt<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector512.Sqrt(x);

    /// <summary>The smaller of x and y; NaN if either is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Min<T>(T x, T y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => ScalarOps<T>.Min(x, y);

    /// <summary>The smaller of x and y; NaN if either is NaN. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Min<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => V128Ops<T>.Min(x, y);

    /// <summary>The smaller of x and y; NaN if either is NaN. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Min<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => V256Ops<T>.Min(x, y);

    /// <summary>The smaller of x and y; NaN if either is NaN. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Min<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => V512Ops<T>.Min(x, y);

    /// <summary>The larger of x and y; NaN if either is NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max<T>(T x, T y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => ScalarOps<T>.Max(x, y);

    /// <summary>The larger of x and y; NaN if either is NaN. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Max<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => V128Ops<T>.Max(x, y);

    /// <summary>The larger of x and y; NaN if either is NaN. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Max<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => V256Ops<T>.Max(x, y);

    /// <summary>The larger of x and y; NaN if either is NaN. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Max<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => V512Ops<T>.Max(x, y);

    /// <summary>a * b + c per lane: one fused instruction where the hardware has FMA, else a multiply and an add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd<T>(Vector128<T> a, Vector128<T> b, Vector128<T> c) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => V128Ops<T>.Mad(a, b, c);

    /// <summary>a * b + c per lane: one fused instruction where the hardware has FMA, else a multiply and an add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => V256Ops<T>.Mad(a, b, c);

    /// <summary>a * b + c per lane: one fused instruction where the hardware has FMA, else a multiply and an add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => V512Ops<T>.Mad(a, b, c);
}
