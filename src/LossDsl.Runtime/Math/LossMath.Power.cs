using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

// Pow(x, y) with PyTorch's (= C's pow) semantics: pow(x, 0) = 1 even for x = 0 or NaN; pow(1, y) = 1;
// pow(0, y > 0) = 0 and pow(0, y < 0) = inf (signed for odd integer y and x = -0);
// pow(negative finite, non-integer finite) = NaN; pow(negative, integer) has the sign of (-1)^y;
// pow(-1, +-inf) = 1. Scalar: Math.Pow (float computed in double); vector float: computed in double.
public static partial class LossMath
{
    /// <summary>x raised to the power y.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Pow<T>(T x, T y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
            return Unsafe.BitCast<float, T>((float)System.Math.Pow(Unsafe.BitCast<T, float>(x), Unsafe.BitCast<T, float>(y)));
        return Unsafe.BitCast<double, T>(System.Math.Pow(Unsafe.BitCast<T, double>(x), Unsafe.BitCast<T, double>(y)));
    }

    /// <summary>x raised to the power y, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Pow<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // An exponent the same in every lane and a small whole number (focal's gamma = 2): multiplications, exact
        // as C's pow for these, and no exp/log. A uniform exponent is an option or a constant: the branch is predictable.
        T k = y.ToScalar();
        if (Vector128.EqualsAll(y, Vector128.Create(k)) && IsSmallWhole(k))
            return PowWhole(x, int.CreateTruncating(k));
        return PowGeneral(x, y);
    }

    // The general case out of line: inlined, its two exp/log computations in double exhausted the JIT's inlining budget
    // of a kernel that raises to an option's power (sigmoid_focal_loss), whose lane operations then became calls.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector128<T> PowGeneral<T>(Vector128<T> x, Vector128<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            (Vector128<double> xl, Vector128<double> xh) = Vector128.Widen(x.As<T, float>());
            (Vector128<double> yl, Vector128<double> yh) = Vector128.Widen(y.As<T, float>());
            return Vector128.Narrow(
                PowCore<Vector128<double>, double, V128Ops<double>>(xl, yl),
                PowCore<Vector128<double>, double, V128Ops<double>>(xh, yh)).As<float, T>();
        }
        return PowCore<Vector128<T>, T, V128Ops<T>>(x, y);
    }

    /// <summary>x raised to the power y, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Pow<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // An exponent the same in every lane and a small whole number (focal's gamma = 2): multiplications, exact
        // as C's pow for these, and no exp/log. A uniform exponent is an option or a constant: the branch is predictable.
        T k = y.ToScalar();
        if (Vector256.EqualsAll(y, Vector256.Create(k)) && IsSmallWhole(k))
            return PowWhole(x, int.CreateTruncating(k));
        return PowGeneral(x, y);
    }

    // The general case out of line: inlined, its two exp/log computations in double exhausted the JIT's inlining budget
    // of a kernel that raises to an option's power (sigmoid_focal_loss), whose lane operations then became calls.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<T> PowGeneral<T>(Vector256<T> x, Vector256<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            (Vector256<double> xl, Vector256<double> xh) = Vector256.Widen(x.As<T, float>());
            (Vector256<double> yl, Vector256<double> yh) = Vector256.Widen(y.As<T, float>());
            return Vector256.Narrow(
                PowCore<Vector256<double>, double, V256Ops<double>>(xl, yl),
                PowCore<Vector256<double>, double, V256Ops<double>>(xh, yh)).As<float, T>();
        }
        return PowCore<Vector256<T>, T, V256Ops<T>>(x, y);
    }

    /// <summary>x raised to the power y, per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Pow<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // An exponent the same in every lane and a small whole number (focal's gamma = 2): multiplications, exact
        // as C's pow for these, and no exp/log. A uniform exponent is an option or a constant: the branch is predictable.
        T k = y.ToScalar();
        if (Vector512.EqualsAll(y, Vector512.Create(k)) && IsSmallWhole(k))
            return PowWhole(x, int.CreateTruncating(k));
        return PowGeneral(x, y);
    }

    // The general case out of line: inlined, its two exp/log computations in double exhausted the JIT's inlining budget
    // of a kernel that raises to an option's power (sigmoid_focal_loss), whose lane operations then became calls.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<T> PowGeneral<T>(Vector512<T> x, Vector512<T> y) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            (Vector512<double> xl, Vector512<double> xh) = Vector512.Widen(x.As<T, float>());
            (Vector512<double> yl, Vector512<double> yh) = Vector512.Widen(y.As<T, float>());
            return Vector512.Narrow(
                PowCore<Vector512<double>, double, V512Ops<double>>(xl, yl),
                PowCore<Vector512<double>, double, V512Ops<double>>(xh, yh)).As<float, T>();
        }
        return PowCore<Vector512<T>, T, V512Ops<T>>(x, y);
    }

    // |x|^y = e^(y log|x|), then the special cases by selects. y = 1 and y = 2 are exact (x, x*x).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV PowCore<TV, T, O>(TV x, TV y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> where O : ILaneOps<TV, T>
    {
        TV one = O.C(1.0);
        TV ax = O.Abs(x);
        TV r = O.Exp(O.Mul(y, O.Log(ax)));
        r = O.Select(O.IsOddInteger(y), O.CopySign(r, x), r);
        TV negFinite = O.And(O.Lt(x, O.C(0.0)), O.IsFinite(x));
        TV nonInteger = O.AndNot(O.IsFinite(y), O.IsInteger(y));
        r = O.Select(O.And(negFinite, nonInteger), O.C(double.NaN), r);
        r = O.Select(O.Eq(y, O.C(2.0)), O.Mul(x, x), r);
        r = O.Select(O.Eq(y, one), x, r);
        TV unit = O.Or(O.Or(O.Eq(y, O.C(0.0)), O.Eq(x, one)),
                       O.And(O.Eq(ax, one), O.Eq(O.Abs(y), O.C(double.PositiveInfinity))));
        return O.Select(unit, one, r);
    }

    /// <summary>Whether <paramref name="k"/> is a whole number from 0 to 4: an exponent <c>PowWhole</c> takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsSmallWhole<T>(T k) where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        k >= T.Zero && k <= T.CreateTruncating(4) && T.IsInteger(k);

    // x^k for an exponent k the same for every element of a call and a small whole number (IsSmallWhole), tested once
    // per call: a generated kernel specialised for it (a type flag) has no call in its loop, where Pow keeps the general
    // case's call (out of line), and a call in a loop spills every live vector register (SysV keeps none across it).
    // k is compared as it is, the square first (focal's gamma = 2): a conversion to int and a jump table per vector cost more.

    /// <summary>x^k per lane, for <paramref name="k"/> a whole number from 0 to 4 (<see cref="IsSmallWhole{T}"/>): exact as Pow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> PowWhole<T>(Vector128<T> x, T k) where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        k == T.CreateTruncating(2) ? x * x : k == T.One ? x : k == T.Zero ? Vector128<T>.One : k == T.CreateTruncating(3) ? x * x * x : (x * x) * (x * x);

    /// <summary>x^k per lane, for <paramref name="k"/> a whole number from 0 to 4 (<see cref="IsSmallWhole{T}"/>): exact as Pow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> PowWhole<T>(Vector256<T> x, T k) where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        k == T.CreateTruncating(2) ? x * x : k == T.One ? x : k == T.Zero ? Vector256<T>.One : k == T.CreateTruncating(3) ? x * x * x : (x * x) * (x * x);

    /// <summary>x^k per lane, for <paramref name="k"/> a whole number from 0 to 4 (<see cref="IsSmallWhole{T}"/>): exact as Pow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> PowWhole<T>(Vector512<T> x, T k) where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        k == T.CreateTruncating(2) ? x * x : k == T.One ? x : k == T.Zero ? Vector512<T>.One : k == T.CreateTruncating(3) ? x * x * x : (x * x) * (x * x);

    // The same with k an int (x^0 = 1 even for NaN, as pow), converted once per call by a kernel (the square is one fused
    // compare and branch per vector), or by Pow once it has found k small and whole.

    /// <summary>x^k per lane, for <paramref name="k"/> a whole number from 0 to 4: exact as Pow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> PowWhole<T>(Vector128<T> x, int k) where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        k == 2 ? x * x : k == 1 ? x : k == 0 ? Vector128<T>.One : k == 3 ? x * x * x : (x * x) * (x * x);

    /// <summary>x^k per lane, for <paramref name="k"/> a whole number from 0 to 4: exact as Pow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> PowWhole<T>(Vector256<T> x, int k) where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        k == 2 ? x * x : k == 1 ? x : k == 0 ? Vector256<T>.One : k == 3 ? x * x * x : (x * x) * (x * x);

    /// <summary>x^k per lane, for <paramref name="k"/> a whole number from 0 to 4: exact as Pow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> PowWhole<T>(Vector512<T> x, int k) where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        k == 2 ? x * x : k == 1 ? x : k == 0 ? Vector512<T>.One : k == 3 ? x * x * x : (x * x) * (x * x);
}
