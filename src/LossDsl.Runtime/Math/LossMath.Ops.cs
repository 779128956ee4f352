using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LossDsl;

// The width abstraction: every algorithm of LossMath that the BCL does not provide is written once,
// generic over an "ops" struct that maps a handful of primitive operations onto T (scalar), Vector128<T>,
// Vector256<T> or Vector512<T>. The ops are static abstract interface members implemented by structs,
// so the JIT specialises and inlines every instantiation: there is no dispatch at run time.
// Masks are vectors of the same type whose lanes are all-ones (true) or all-zeros (false); for the
// scalar ops a mask is a T whose bits are all ones or all zeros.

/// <summary>Primitive operations over a vector (or scalar) type <typeparamref name="TV"/> with lanes of type <typeparamref name="T"/>.</summary>
internal interface ILaneOps<TV, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Broadcasts a constant (rounded to T).</summary>
    static abstract TV C(double c);
    static abstract TV Add(TV a, TV b);
    static abstract TV Sub(TV a, TV b);
    static abstract TV Mul(TV a, TV b);
    static abstract TV Div(TV a, TV b);
    static abstract TV Neg(TV a);
    /// <summary>a * b + c, fused where the hardware can, else separately rounded (for polynomials only).</summary>
    static abstract TV Mad(TV a, TV b, TV c);
    static abstract TV Abs(TV a);
    static abstract TV Sqrt(TV a);
    /// <summary>Round to nearest integer, ties to even.</summary>
    static abstract TV Round(TV a);
    static abstract TV Exp(TV a);
    static abstract TV Log(TV a);
    /// <summary>IEEE 754:2019 minimum/maximum: NaN propagates, -0 &lt; +0.</summary>
    static abstract TV Min(TV a, TV b);
    static abstract TV Max(TV a, TV b);
    static abstract TV CopySign(TV magnitude, TV sign);
    static abstract TV Lt(TV a, TV b);
    static abstract TV Le(TV a, TV b);
    static abstract TV Gt(TV a, TV b);
    static abstract TV Ge(TV a, TV b);
    static abstract TV Eq(TV a, TV b);
    static abstract TV IsNaN(TV a);
    static abstract TV IsFinite(TV a);
    static abstract TV IsInteger(TV a);
    static abstract TV IsOddInteger(TV a);
    static abstract TV And(TV a, TV b);
    static abstract TV Or(TV a, TV b);
    /// <summary>a &amp; ~b.</summary>
    static abstract TV AndNot(TV a, TV b);
    static abstract TV Select(TV mask, TV a, TV b);
    /// <summary>2^k for integer-valued k in the normal exponent range of T.</summary>
    static abstract TV Pow2(TV k);
    /// <summary>
    /// The low bits of <paramref name="t"/>'s mantissa moved into the exponent field (shifted left by 23 for float, 52
    /// for double): 2^k when t = k + bias + 1.5 2^23 (2^52), the sum that rounded k (Pow2, Shifted.Exp).
    /// </summary>
    static abstract TV ExponentBits(TV t);
    /// <summary>Max / Min with a constant <paramref name="c"/> neither NaN nor zero: a NaN in <paramref name="a"/> comes back (LossMath.MaxConstant).</summary>
    static abstract TV MaxConstant(TV a, TV c);
    static abstract TV MinConstant(TV a, TV c);
    /// <summary>The hardware min/max (no NaN or signed-zero rules): for clamping where NaN is handled separately.</summary>
    static abstract TV MinNative(TV a, TV b);
    static abstract TV MaxNative(TV a, TV b);
    /// <summary>v = m 2^k with m in [0.75, 1.5) and k integer-valued (as T), for positive normal finite v.</summary>
    static abstract TV Decompose(TV v, out TV k);
    /// <summary>Whether every lane of the mask is true (for a fast path that skips special-case handling).</summary>
    static abstract bool AllTrue(TV mask);
}

internal readonly struct ScalarOps<T> : ILaneOps<T, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T C(double c) => typeof(T) == typeof(float) ? Unsafe.BitCast<float, T>((float)c) : Unsafe.BitCast<double, T>(c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Add(T a, T b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sub(T a, T b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Mul(T a, T b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Div(T a, T b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Neg(T a) => -a;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Mad(T a, T b, T c) => T.MultiplyAddEstimate(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Abs(T a) => T.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Sqrt(T a) => T.Sqrt(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Round(T a) => T.Round(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp(T a)
    {
        if (typeof(T) == typeof(float)) return Unsafe.BitCast<float, T>((float)System.Math.Exp(Unsafe.BitCast<T, float>(a)));
        return Unsafe.BitCast<double, T>(System.Math.Exp(Unsafe.BitCast<T, double>(a)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Log(T a)
    {
        if (typeof(T) == typeof(float)) return Unsafe.BitCast<float, T>((float)System.Math.Log(Unsafe.BitCast<T, float>(a)));
        return Unsafe.BitCast<double, T>(System.Math.Log(Unsafe.BitCast<T, double>(a)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Min(T a, T b) => T.IsNaN(a) || T.IsNaN(b) ? a + b : T.Min(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max(T a, T b) => T.IsNaN(a) || T.IsNaN(b) ? a + b : T.Max(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T CopySign(T m, T s) => T.CopySign(m, s);

    private static T True
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => typeof(T) == typeof(float)
            ? Unsafe.BitCast<int, T>(-1)
            : Unsafe.BitCast<long, T>(-1L);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] private static T M(bool b) => b ? True : T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsTrue(T m) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<T, int>(m) != 0
        : Unsafe.BitCast<T, long>(m) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Lt(T a, T b) => M(a < b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Le(T a, T b) => M(a <= b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Gt(T a, T b) => M(a > b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Ge(T a, T b) => M(a >= b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Eq(T a, T b) => M(a == b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T IsNaN(T a) => M(T.IsNaN(a));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T IsFinite(T a) => M(T.IsFinite(a));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T IsInteger(T a) => M(T.IsInteger(a));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T IsOddInteger(T a) => M(T.IsOddInteger(a));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T And(T a, T b) => M(IsTrue(a) & IsTrue(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Or(T a, T b) => M(IsTrue(a) | IsTrue(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T AndNot(T a, T b) => M(IsTrue(a) & !IsTrue(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T Select(T m, T a, T b) => IsTrue(m) ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Pow2(T k) => T.ScaleB(T.One, int.CreateTruncating(k));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ExponentBits(T t) => typeof(T) == typeof(float)
        ? Unsafe.BitCast<int, T>(Unsafe.BitCast<T, int>(t) << 23)
        : Unsafe.BitCast<long, T>(Unsafe.BitCast<T, long>(t) << 52);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllTrue(T m) => IsTrue(m);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T MaxConstant(T a, T c) => Max(a, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T MinConstant(T a, T c) => Min(a, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T MinNative(T a, T b) => a < b ? a : b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static T MaxNative(T a, T b) => a > b ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Decompose(T v, out T k)
    {
        if (typeof(T) == typeof(float))
        {
            int ix = BitConverter.SingleToInt32Bits(Unsafe.BitCast<T, float>(v)) - 0x3f400000;
            k = Unsafe.BitCast<float, T>((float)(ix >> 23));
            return Unsafe.BitCast<float, T>(BitConverter.Int32BitsToSingle((ix & 0x007fffff) + 0x3f400000));
        }
        long lx = BitConverter.DoubleToInt64Bits(Unsafe.BitCast<T, double>(v)) - 0x3fe8000000000000L;
        k = Unsafe.BitCast<double, T>((double)(lx >> 52));
        return Unsafe.BitCast<double, T>(BitConverter.Int64BitsToDouble((lx & 0x000fffffffffffffL) + 0x3fe8000000000000L));
    }
}

internal readonly struct V128Ops<T> : ILaneOps<Vector128<T>, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> C(double c) => typeof(T) == typeof(float)
        ? Vector128.Create((float)c).As<float, T>()
        : Vector128.Create(c).As<double, T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Sub(Vector128<T> a, Vector128<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Mul(Vector128<T> a, Vector128<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Div(Vector128<T> a, Vector128<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Neg(Vector128<T> a) => -a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Mad(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector128.MultiplyAddEstimate(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return Vector128.MultiplyAddEstimate(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Abs(Vector128<T> a) => Vector128.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Sqrt(Vector128<T> a) => Vector128.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Round(Vector128<T> a)
    {
        if (typeof(T) == typeof(float)) return Vector128.Round(a.As<T, float>()).As<float, T>();
        return Vector128.Round(a.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Exp(Vector128<T> a) => LossMath.Exp(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Log(Vector128<T> a)
    {
        if (typeof(T) == typeof(float)) return LossMath.LogF<Vector128<float>, V128Ops<float>>(a.As<T, float>()).As<float, T>();
        return LossMath.LogD<Vector128<double>, V128Ops<double>>(a.As<T, double>()).As<double, T>();
    }

    // IEEE minimum and maximum (NaN where either lane is, -0 below +0). x86's min returns its second operand when the
    // lanes are equal or unordered, so min(a, b) | min(b, a) is the smaller lane (equal lanes: the same bits), -0 for
    // zeros of either sign, and a NaN where either lane is one (a NaN's exponent and mantissa bits survive the or);
    // max(a, b) = -min(-a, -b), the negations flipping sign bits. Three and six instructions, where Vector.Min / Max
    // take about nine and the NaN test around them five more. Elsewhere: Vector.Min / Max, a + b where a lane is NaN.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Min(Vector128<T> a, Vector128<T> b)
    {
        if (Sse.IsSupported && typeof(T) == typeof(float))
            return (Sse.Min(a.As<T, float>(), b.As<T, float>()) | Sse.Min(b.As<T, float>(), a.As<T, float>())).As<float, T>();
        if (Sse2.IsSupported && typeof(T) == typeof(double))
            return (Sse2.Min(a.As<T, double>(), b.As<T, double>()) | Sse2.Min(b.As<T, double>(), a.As<T, double>())).As<double, T>();
        return Vector128.ConditionalSelect(Vector128.Equals(a, a) & Vector128.Equals(b, b), Vector128.Min(a, b), a + b);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Max(Vector128<T> a, Vector128<T> b)
    {
        if (Sse2.IsSupported)
        {
            var sign = Vector128.Create(T.NegativeZero); // the negations as sign flips: exact, zeros and NaNs included
            return Min(a ^ sign, b ^ sign) ^ sign;
        }
        return Vector128.ConditionalSelect(Vector128.Equals(a, a) & Vector128.Equals(b, b), Vector128.Max(a, b), a + b);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> CopySign(Vector128<T> m, Vector128<T> s) => Vector128.CopySign(m, s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Lt(Vector128<T> a, Vector128<T> b) => Vector128.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Le(Vector128<T> a, Vector128<T> b) => Vector128.LessThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Gt(Vector128<T> a, Vector128<T> b) => Vector128.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Ge(Vector128<T> a, Vector128<T> b) => Vector128.GreaterThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Eq(Vector128<T> a, Vector128<T> b) => Vector128.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> IsNaN(Vector128<T> a) => ~Vector128.Equals(a, a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> IsFinite(Vector128<T> a) => Vector128.Equals(a - a, Vector128<T>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> IsInteger(Vector128<T> a) => Vector128.IsInteger(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> IsOddInteger(Vector128<T> a) => Vector128.IsOddInteger(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> And(Vector128<T> a, Vector128<T> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Or(Vector128<T> a, Vector128<T> b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> AndNot(Vector128<T> a, Vector128<T> b) => Vector128.AndNot(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> Select(Vector128<T> m, Vector128<T> a, Vector128<T> b) => LossMath.Blend(m, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Pow2(Vector128<T> k)
        // Magic-number conversion: adding 1.5 * 2^52 (2^23 for float) puts the integer k + bias in the low mantissa bits.
        => ExponentBits(k + C(typeof(T) == typeof(float) ? 12582912.0 + 127.0 : 6755399441055744.0 + 1023.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> ExponentBits(Vector128<T> t) => typeof(T) == typeof(float)
        ? Vector128.ShiftLeft(t.AsInt32(), 23).As<int, T>()
        : Vector128.ShiftLeft(t.AsInt64(), 52).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllTrue(Vector128<T> m) => Vector128.EqualsAll(~m.AsUInt32(), Vector128<uint>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> MaxConstant(Vector128<T> a, Vector128<T> c) => LossMath.MaxConstant(a, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> MinConstant(Vector128<T> a, Vector128<T> c) => LossMath.MinConstant(a, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> MinNative(Vector128<T> a, Vector128<T> b) => Vector128.MinNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<T> MaxNative(Vector128<T> a, Vector128<T> b) => Vector128.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Decompose(Vector128<T> v, out Vector128<T> k)
    {
        if (typeof(T) == typeof(float))
        {
            Vector128<int> ix = v.AsInt32() - Vector128.Create(0x3f400000);
            k = Vector128.ConvertToSingle(Vector128.ShiftRightArithmetic(ix, 23)).As<float, T>();
            return ((ix & Vector128.Create(0x007fffff)) + Vector128.Create(0x3f400000)).As<int, T>();
        }
        Vector128<long> lx = v.AsInt64() - Vector128.Create(0x3fe8000000000000L);
        k = Vector128.ConvertToDouble(Vector128.ShiftRightArithmetic(lx, 52)).As<double, T>();
        return ((lx & Vector128.Create(0x000fffffffffffffL)) + Vector128.Create(0x3fe8000000000000L)).As<long, T>();
    }
}

internal readonly struct V256Ops<T> : ILaneOps<Vector256<T>, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> C(double c) => typeof(T) == typeof(float)
        ? Vector256.Create((float)c).As<float, T>()
        : Vector256.Create(c).As<double, T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Sub(Vector256<T> a, Vector256<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Mul(Vector256<T> a, Vector256<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Div(Vector256<T> a, Vector256<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Neg(Vector256<T> a) => -a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Mad(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector256.MultiplyAddEstimate(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return Vector256.MultiplyAddEstimate(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Abs(Vector256<T> a) => Vector256.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Sqrt(Vector256<T> a) => Vector256.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Round(Vector256<T> a)
    {
        if (typeof(T) == typeof(float)) return Vector256.Round(a.As<T, float>()).As<float, T>();
        return Vector256.Round(a.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp(Vector256<T> a) => LossMath.Exp(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Log(Vector256<T> a)
    {
        if (typeof(T) == typeof(float)) return LossMath.LogF<Vector256<float>, V256Ops<float>>(a.As<T, float>()).As<float, T>();
        return LossMath.LogD<Vector256<double>, V256Ops<double>>(a.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Min(Vector256<T> a, Vector256<T> b)
    {
        if (Avx.IsSupported && typeof(T) == typeof(float))
            return (Avx.Min(a.As<T, float>(), b.As<T, float>()) | Avx.Min(b.As<T, float>(), a.As<T, float>())).As<float, T>();
        if (Avx.IsSupported && typeof(T) == typeof(double))
            return (Avx.Min(a.As<T, double>(), b.As<T, double>()) | Avx.Min(b.As<T, double>(), a.As<T, double>())).As<double, T>();
        return Vector256.ConditionalSelect(Vector256.Equals(a, a) & Vector256.Equals(b, b), Vector256.Min(a, b), a + b);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Max(Vector256<T> a, Vector256<T> b)
    {
        if (Avx.IsSupported)
        {
            var sign = Vector256.Create(T.NegativeZero); // the negations as sign flips: exact, zeros and NaNs included
            return Min(a ^ sign, b ^ sign) ^ sign;
        }
        return Vector256.ConditionalSelect(Vector256.Equals(a, a) & Vector256.Equals(b, b), Vector256.Max(a, b), a + b);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> CopySign(Vector256<T> m, Vector256<T> s) => Vector256.CopySign(m, s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Lt(Vector256<T> a, Vector256<T> b) => Vector256.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Le(Vector256<T> a, Vector256<T> b) => Vector256.LessThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Gt(Vector256<T> a, Vector256<T> b) => Vector256.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Ge(Vector256<T> a, Vector256<T> b) => Vector256.GreaterThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Eq(Vector256<T> a, Vector256<T> b) => Vector256.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> IsNaN(Vector256<T> a) => ~Vector256.Equals(a, a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> IsFinite(Vector256<T> a) => Vector256.Equals(a - a, Vector256<T>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> IsInteger(Vector256<T> a) => Vector256.IsInteger(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> IsOddInteger(Vector256<T> a) => Vector256.IsOddInteger(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> And(Vector256<T> a, Vector256<T> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Or(Vector256<T> a, Vector256<T> b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> AndNot(Vector256<T> a, Vector256<T> b) => Vector256.AndNot(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> Select(Vector256<T> m, Vector256<T> a, Vector256<T> b) => LossMath.Blend(m, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Pow2(Vector256<T> k)
        // Magic-number conversion: adding 1.5 * 2^52 (2^23 for float) puts the integer k + bias in the low mantissa bits.
        => ExponentBits(k + C(typeof(T) == typeof(float) ? 12582912.0 + 127.0 : 6755399441055744.0 + 1023.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> ExponentBits(Vector256<T> t) => typeof(T) == typeof(float)
        ? Vector256.ShiftLeft(t.AsInt32(), 23).As<int, T>()
        : Vector256.ShiftLeft(t.AsInt64(), 52).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllTrue(Vector256<T> m) => Vector256.EqualsAll(~m.AsUInt32(), Vector256<uint>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> MaxConstant(Vector256<T> a, Vector256<T> c) => LossMath.MaxConstant(a, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> MinConstant(Vector256<T> a, Vector256<T> c) => LossMath.MinConstant(a, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> MinNative(Vector256<T> a, Vector256<T> b) => Vector256.MinNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<T> MaxNative(Vector256<T> a, Vector256<T> b) => Vector256.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Decompose(Vector256<T> v, out Vector256<T> k)
    {
        if (typeof(T) == typeof(float))
        {
            Vector256<int> ix = v.AsInt32() - Vector256.Create(0x3f400000);
            k = Vector256.ConvertToSingle(Vector256.ShiftRightArithmetic(ix, 23)).As<float, T>();
            return ((ix & Vector256.Create(0x007fffff)) + Vector256.Create(0x3f400000)).As<int, T>();
        }
        Vector256<long> lx = v.AsInt64() - Vector256.Create(0x3fe8000000000000L);
        k = Vector256.ConvertToDouble(Vector256.ShiftRightArithmetic(lx, 52)).As<double, T>();
        return ((lx & Vector256.Create(0x000fffffffffffffL)) + Vector256.Create(0x3fe8000000000000L)).As<long, T>();
    }
}

internal readonly struct V512Ops<T> : ILaneOps<Vector512<T>, T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> C(double c) => typeof(T) == typeof(float)
        ? Vector512.Create((float)c).As<float, T>()
        : Vector512.Create(c).As<double, T>();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Sub(Vector512<T> a, Vector512<T> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Mul(Vector512<T> a, Vector512<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Div(Vector512<T> a, Vector512<T> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Neg(Vector512<T> a) => -a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Mad(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector512.MultiplyAddEstimate(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        return Vector512.MultiplyAddEstimate(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Abs(Vector512<T> a) => Vector512.Abs(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Sqrt(Vector512<T> a) => Vector512.Sqrt(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Round(Vector512<T> a)
    {
        if (typeof(T) == typeof(float)) return Vector512.Round(a.As<T, float>()).As<float, T>();
        return Vector512.Round(a.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Exp(Vector512<T> a) => LossMath.Exp(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Log(Vector512<T> a)
    {
        if (typeof(T) == typeof(float)) return LossMath.LogF<Vector512<float>, V512Ops<float>>(a.As<T, float>()).As<float, T>();
        return LossMath.LogD<Vector512<double>, V512Ops<double>>(a.As<T, double>()).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Min(Vector512<T> a, Vector512<T> b)
    {
        if (Avx512F.IsSupported && typeof(T) == typeof(float))
            return (Avx512F.Min(a.As<T, float>(), b.As<T, float>()) | Avx512F.Min(b.As<T, float>(), a.As<T, float>())).As<float, T>();
        if (Avx512F.IsSupported && typeof(T) == typeof(double))
            return (Avx512F.Min(a.As<T, double>(), b.As<T, double>()) | Avx512F.Min(b.As<T, double>(), a.As<T, double>())).As<double, T>();
        return Vector512.ConditionalSelect(Vector512.Equals(a, a) & Vector512.Equals(b, b), Vector512.Min(a, b), a + b);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Max(Vector512<T> a, Vector512<T> b)
    {
        if (Avx512F.IsSupported)
        {
            var sign = Vector512.Create(T.NegativeZero); // the negations as sign flips: exact, zeros and NaNs included
            return Min(a ^ sign, b ^ sign) ^ sign;
        }
        return Vector512.ConditionalSelect(Vector512.Equals(a, a) & Vector512.Equals(b, b), Vector512.Max(a, b), a + b);
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> CopySign(Vector512<T> m, Vector512<T> s) => Vector512.CopySign(m, s);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Lt(Vector512<T> a, Vector512<T> b) => Vector512.LessThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Le(Vector512<T> a, Vector512<T> b) => Vector512.LessThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Gt(Vector512<T> a, Vector512<T> b) => Vector512.GreaterThan(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Ge(Vector512<T> a, Vector512<T> b) => Vector512.GreaterThanOrEqual(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Eq(Vector512<T> a, Vector512<T> b) => Vector512.Equals(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> IsNaN(Vector512<T> a) => ~Vector512.Equals(a, a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> IsFinite(Vector512<T> a) => Vector512.Equals(a - a, Vector512<T>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> IsInteger(Vector512<T> a) => Vector512.IsInteger(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> IsOddInteger(Vector512<T> a) => Vector512.IsOddInteger(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> And(Vector512<T> a, Vector512<T> b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Or(Vector512<T> a, Vector512<T> b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> AndNot(Vector512<T> a, Vector512<T> b) => Vector512.AndNot(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> Select(Vector512<T> m, Vector512<T> a, Vector512<T> b) => Vector512.ConditionalSelect(m, a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Pow2(Vector512<T> k)
        // Magic-number conversion: adding 1.5 * 2^52 (2^23 for float) puts the integer k + bias in the low mantissa bits.
        => ExponentBits(k + C(typeof(T) == typeof(float) ? 12582912.0 + 127.0 : 6755399441055744.0 + 1023.0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> ExponentBits(Vector512<T> t) => typeof(T) == typeof(float)
        ? Vector512.ShiftLeft(t.AsInt32(), 23).As<int, T>()
        : Vector512.ShiftLeft(t.AsInt64(), 52).As<long, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool AllTrue(Vector512<T> m) => Vector512.EqualsAll(~m.AsUInt32(), Vector512<uint>.Zero);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> MaxConstant(Vector512<T> a, Vector512<T> c) => LossMath.MaxConstant(a, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> MinConstant(Vector512<T> a, Vector512<T> c) => LossMath.MinConstant(a, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> MinNative(Vector512<T> a, Vector512<T> b) => Vector512.MinNative(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<T> MaxNative(Vector512<T> a, Vector512<T> b) => Vector512.MaxNative(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Decompose(Vector512<T> v, out Vector512<T> k)
    {
        if (typeof(T) == typeof(float))
        {
            Vector512<int> ix = v.AsInt32() - Vector512.Create(0x3f400000);
            k = Vector512.ConvertToSingle(Vector512.ShiftRightArithmetic(ix, 23)).As<float, T>();
            return ((ix & Vector512.Create(0x007fffff)) + Vector512.Create(0x3f400000)).As<int, T>();
        }
        Vector512<long> lx = v.AsInt64() - Vector512.Create(0x3fe8000000000000L);
        k = Vector512.ConvertToDouble(Vector512.ShiftRightArithmetic(lx, 52)).As<double, T>();
        return ((lx & Vector512.Create(0x000fffffffffffffL)) + Vector512.Create(0x3fe8000000000000L)).As<long, T>();
    }
}
