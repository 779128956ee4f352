using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
        => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<T>.Zero), Vector128<T>.One,
           Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128<T>.Zero), -Vector128<T>.One, Vector128<T>.Zero));

    /// <summary>-1, 0 or +1 by the sign of x; 0 for zeros and for NaN, as torch.sign. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sign<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<T>.Zero), Vector256<T>.One,
           Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<T>.Zero), -Vector256<T>.One, Vector256<T>.Zero));

    /// <summary>-1, 0 or +1 by the sign of x; 0 for zeros and for NaN, as torch.sign. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Sign<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<T>.Zero), Vector512<T>.One,
           Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<T>.Zero), -Vector512<T>.One, Vector512<T>.Zero));

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
