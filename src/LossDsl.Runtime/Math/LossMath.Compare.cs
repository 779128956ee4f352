using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LossDsl;

// Comparisons (scalar: bool; vector: a lane mask of all ones / all zeros), mask combinators and Select.
// Ordered comparisons are false when either side is NaN; NotEqual is true then.
public static partial class LossMath
{
    /// <summary>x &lt; y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LessThan<T>(T x, T y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => x < y;

    /// <summary>x &lt; y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LessThan<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector128.LessThan(x, y);

    /// <summary>x &lt; y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LessThan<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector256.LessThan(x, y);

    /// <summary>x &lt; y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LessThan<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector512.LessThan(x, y);

    /// <summary>x &lt;= y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool LessThanOrEqual<T>(T x, T y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => x <= y;

    /// <summary>x &lt;= y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LessThanOrEqual<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector128.LessThanOrEqual(x, y);

    /// <summary>x &lt;= y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LessThanOrEqual<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector256.LessThanOrEqual(x, y);

    /// <summary>x &lt;= y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LessThanOrEqual<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector512.LessThanOrEqual(x, y);

    /// <summary>x &gt; y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GreaterThan<T>(T x, T y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => x > y;

    /// <summary>x &gt; y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> GreaterThan<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector128.GreaterThan(x, y);

    /// <summary>x &gt; y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> GreaterThan<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector256.GreaterThan(x, y);

    /// <summary>x &gt; y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> GreaterThan<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector512.GreaterThan(x, y);

    /// <summary>x &gt;= y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool GreaterThanOrEqual<T>(T x, T y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => x >= y;

    /// <summary>x &gt;= y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> GreaterThanOrEqual<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector128.GreaterThanOrEqual(x, y);

    /// <summary>x &gt;= y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> GreaterThanOrEqual<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector256.GreaterThanOrEqual(x, y);

    /// <summary>x &gt;= y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> GreaterThanOrEqual<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector512.GreaterThanOrEqual(x, y);

    /// <summary>x == y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Equal<T>(T x, T y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => x == y;

    /// <summary>x == y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Equal<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector128.Equals(x, y);

    /// <summary>x == y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Equal<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector256.Equals(x, y);

    /// <summary>x == y. (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Equal<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector512.Equals(x, y);

    /// <summary>x != y (true when either is NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool NotEqual<T>(T x, T y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => x != y;

    /// <summary>x != y (true when either is NaN). (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> NotEqual<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => ~Vector128.Equals(x, y);

    /// <summary>x != y (true when either is NaN). (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> NotEqual<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => ~Vector256.Equals(x, y);

    /// <summary>x != y (true when either is NaN). (per lane)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> NotEqual<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => ~Vector512.Equals(x, y);

    /// <summary>Mask and.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool And(bool a, bool b) => a & b;

    /// <summary>Mask and (per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> And<T>(Vector128<T> a, Vector128<T> b) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => a & b;

    /// <summary>Mask and (per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> And<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => a & b;

    /// <summary>Mask and (per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> And<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => a & b;

    /// <summary>Mask or.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Or(bool a, bool b) => a | b;

    /// <summary>Mask or (per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Or<T>(Vector128<T> a, Vector128<T> b) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => a | b;

    /// <summary>Mask or (per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Or<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => a | b;

    /// <summary>Mask or (per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Or<T>(Vector512<T> a, Vector512<T> b) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => a | b;

    /// <summary>Mask negation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Not(bool a) => !a;

    /// <summary>Mask negation (per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Not<T>(Vector128<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => ~a;

    /// <summary>Mask negation (per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Not<T>(Vector256<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => ~a;

    /// <summary>Mask negation (per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Not<T>(Vector512<T> a) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => ~a;

    /// <summary>mask ? a : b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Select<T>(bool mask, T a, T b) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => mask ? a : b;

    /// <summary>Per lane: mask ? a : b (mask lanes all ones or all zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Select<T>(Vector128<T> mask, Vector128<T> a, Vector128<T> b) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Blend(mask, a, b);

    /// <summary>Per lane: mask ? a : b (mask lanes all ones or all zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Select<T>(Vector256<T> mask, Vector256<T> a, Vector256<T> b) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Blend(mask, a, b);

    /// <summary>Per lane: mask ? a : b (mask lanes all ones or all zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Select<T>(Vector512<T> mask, Vector512<T> a, Vector512<T> b) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => Vector512.ConditionalSelect(mask, a, b);

    // A select by one blend instruction (vblendvps/pd, blendvps/pd: each lane's sign bit picks), right for the masks of
    // all ones or all zeros that comparisons make. ConditionalSelect becomes a blend only when the JIT sees the comparison
    // as the mask's operand; a mask held in a local (a condition used twice, as Huber's d < delta) became and, andn, or.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<T> Blend<T>(Vector128<T> mask, Vector128<T> a, Vector128<T> b) where T : unmanaged
    {
        if (Sse41.IsSupported && typeof(T) == typeof(float))
            return Sse41.BlendVariable(b.As<T, float>(), a.As<T, float>(), mask.As<T, float>()).As<float, T>();
        if (Sse41.IsSupported && typeof(T) == typeof(double))
            return Sse41.BlendVariable(b.As<T, double>(), a.As<T, double>(), mask.As<T, double>()).As<double, T>();
        return Vector128.ConditionalSelect(mask, a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<T> Blend<T>(Vector256<T> mask, Vector256<T> a, Vector256<T> b) where T : unmanaged
    {
        if (Avx.IsSupported && typeof(T) == typeof(float))
            return Avx.BlendVariable(b.As<T, float>(), a.As<T, float>(), mask.As<T, float>()).As<float, T>();
        if (Avx.IsSupported && typeof(T) == typeof(double))
            return Avx.BlendVariable(b.As<T, double>(), a.As<T, double>(), mask.As<T, double>()).As<double, T>();
        return Vector256.ConditionalSelect(mask, a, b);
    }
}
