using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LossDsl.Benchmarks;

/// <summary>
/// Fused.cs's hand-written loops at Vector128 (derived from it by replacing the width: edit Fused.cs, then re-derive
/// with sed s/Vector512/Vector128/): the hand-written loop of that width, with the BCL's Vector128.Exp/Log.
/// </summary>
public static class Fused128<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static T K(double v) => T.CreateTruncating(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Exp(Vector128<T> v) => typeof(T) == typeof(float)
        ? Vector128.Exp(v.As<T, float>()).As<float, T>() : Vector128.Exp(v.As<T, double>()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Log(Vector128<T> v) => typeof(T) == typeof(float)
        ? Vector128.Log(v.As<T, float>()).As<float, T>() : Vector128.Log(v.As<T, double>()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    // MultiplyAddEstimate: one fused instruction where the hardware has FMA, a multiply and an add elsewhere (FusedMultiplyAdd
    // would be emulated in software without FMA, on the Vector128 path of DOTNET_EnableAVX=0).
    private static Vector128<T> Fma(Vector128<T> a, Vector128<T> b, Vector128<T> c) => typeof(T) == typeof(float)
        ? Vector128.MultiplyAddEstimate(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>()
        : Vector128.MultiplyAddEstimate(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();

    private static Vector128<T> V(T v) => Vector128.Create(v);

    // ---- MSE family ----
    public static T MseFwd(T[] xa, T[] ya)
    {
        ref T x = ref MemoryMarshal.GetArrayDataReference(xa);
        ref T y = ref MemoryMarshal.GetArrayDataReference(ya);
        int n = xa.Length, i = 0, c = Vector128<T>.Count;
        Vector128<T> a0 = Vector128<T>.Zero, a1 = a0;
        for (; i <= n - 2 * c; i += 2 * c)
        {
            var d0 = Vector128.LoadUnsafe(ref x, (nuint)i) - Vector128.LoadUnsafe(ref y, (nuint)i);
            var d1 = Vector128.LoadUnsafe(ref x, (nuint)(i + c)) - Vector128.LoadUnsafe(ref y, (nuint)(i + c));
            a0 = Fma(d0, d0, a0);
            a1 = Fma(d1, d1, a1);
        }
        T s = Vector128.Sum(a0 + a1);
        for (; i < n; i++) { T d = xa[i] - ya[i]; s += d * d; }
        return s / T.CreateTruncating(n);
    }

    public static T MseFB(T[] xa, T[] ya, T[] ga)
    {
        ref T x = ref MemoryMarshal.GetArrayDataReference(xa);
        ref T y = ref MemoryMarshal.GetArrayDataReference(ya);
        ref T g = ref MemoryMarshal.GetArrayDataReference(ga);
        int n = xa.Length, i = 0, c = Vector128<T>.Count;
        T k = K(2.0) / T.CreateTruncating(n);
        var kv = V(k);
        Vector128<T> a0 = Vector128<T>.Zero, a1 = a0;
        for (; i <= n - 2 * c; i += 2 * c)
        {
            var d0 = Vector128.LoadUnsafe(ref x, (nuint)i) - Vector128.LoadUnsafe(ref y, (nuint)i);
            var d1 = Vector128.LoadUnsafe(ref x, (nuint)(i + c)) - Vector128.LoadUnsafe(ref y, (nuint)(i + c));
            a0 = Fma(d0, d0, a0);
            a1 = Fma(d1, d1, a1);
            (kv * d0).StoreUnsafe(ref g, (nuint)i);
            (kv * d1).StoreUnsafe(ref g, (nuint)(i + c));
        }
        T s = Vector128.Sum(a0 + a1);
        for (; i < n; i++) { T d = xa[i] - ya[i]; s += d * d; ga[i] = k * d; }
        return s / T.CreateTruncating(n);
    }

    /// <summary>
    /// mse_loss forward + backward with reduction 'none': each element's loss to <paramref name="oa"/> and its gradient,
    /// times the upstream gradient <paramref name="dya"/>, to <paramref name="ga"/>; returns the first loss.
    /// </summary>
    public static T MseFBNone(T[] xa, T[] ya, T[] oa, T[] dya, T[] ga)
    {
        ref T x = ref MemoryMarshal.GetArrayDataReference(xa);
        ref T y = ref MemoryMarshal.GetArrayDataReference(ya);
        ref T o = ref MemoryMarshal.GetArrayDataReference(oa);
        ref T dy = ref MemoryMarshal.GetArrayDataReference(dya);
        ref T g = ref MemoryMarshal.GetArrayDataReference(ga);
        int n = xa.Length, i = 0, c = Vector128<T>.Count;
        var two = V(K(2.0));
        for (; i <= n - 2 * c; i += 2 * c)
        {
            var d0 = Vector128.LoadUnsafe(ref x, (nuint)i) - Vector128.LoadUnsafe(ref y, (nuint)i);
            var d1 = Vector128.LoadUnsafe(ref x, (nuint)(i + c)) - Vector128.LoadUnsafe(ref y, (nuint)(i + c));
            var u0 = two * Vector128.LoadUnsafe(ref dy, (nuint)i);
            var u1 = two * Vector128.LoadUnsafe(ref dy, (nuint)(i + c));
            (d0 * d0).StoreUnsafe(ref o, (nuint)i);
            (d1 * d1).StoreUnsafe(ref o, (nuint)(i + c));
            (u0 * d0).StoreUnsafe(ref g, (nuint)i);
            (u1 * d1).StoreUnsafe(ref g, (nuint)(i + c));
        }
        for (; i < n; i++) { T d = xa[i] - ya[i]; oa[i] = d * d; ga[i] = K(2.0) * dya[i] * d; }
        return oa[0];
    }

    /// <summary>
    /// <see cref="MseFB"/> with its gradient streamed past the caches as TensorPrimitives streams its large outputs:
    /// the first elements up to the gradient's alignment one by one, then aligned non-temporal stores. The floor of a
    /// memory-bound forward + backward that does the loss's arithmetic, for the ceiling table.
    /// </summary>
    public static unsafe T MseFBStreamed(T[] xa, T[] ya, T[] ga)
    {
        int n = xa.Length, c = Vector128<T>.Count;
        T k = K(2.0) / T.CreateTruncating(n);
        var kv = V(k);
        Vector128<T> a0 = Vector128<T>.Zero, a1 = a0;
        T s = T.Zero;
        fixed (T* x = xa, y = ya, g = ga)
        {
            int i = (int)(((nuint)sizeof(Vector128<T>) - (nuint)g % (nuint)sizeof(Vector128<T>)) % (nuint)sizeof(Vector128<T>) / (nuint)sizeof(T));
            if ((nuint)g % (nuint)sizeof(T) != 0 || i > n) i = n; // cannot align: all scalar (never for float arrays)
            for (int j = 0; j < i; j++) { T d = x[j] - y[j]; s += d * d; g[j] = k * d; }
            for (; i <= n - 2 * c; i += 2 * c)
            {
                var d0 = Vector128.Load(x + i) - Vector128.Load(y + i);
                var d1 = Vector128.Load(x + i + c) - Vector128.Load(y + i + c);
                a0 = Fma(d0, d0, a0);
                a1 = Fma(d1, d1, a1);
                Vector128.StoreAlignedNonTemporal(kv * d0, g + i);
                Vector128.StoreAlignedNonTemporal(kv * d1, g + i + c);
            }
            s += Vector128.Sum(a0 + a1);
            for (; i < n; i++) { T d = x[i] - y[i]; s += d * d; g[i] = k * d; }
        }
        return s / T.CreateTruncating(n);
    }

    // ---- BCE-with-logits family: e = exp(-|x|), softplus(-x) = max(-x, 0) + log(1 + e), sigmoid from e ----
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> BceValue(Vector128<T> xv, Vector128<T> yv, Vector128<T> e)
        => (Vector128<T>.One - yv) * xv + Vector128.Max(-xv, Vector128<T>.Zero) + Log(Vector128<T>.One + e);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> SigmoidFromE(Vector128<T> xv, Vector128<T> e)
    {
        var r = Vector128<T>.One / (Vector128<T>.One + e);
        return Vector128.ConditionalSelect(Vector128.LessThan(xv, Vector128<T>.Zero), e * r, r);
    }

    private static T BceScalar(T v, T t) => (T.One - t) * v + T.Max(-v, T.Zero) + T.Log(T.One + T.Exp(-T.Abs(v)));

    public static T BceFwd(T[] xa, T[] ya)
    {
        ref T x = ref MemoryMarshal.GetArrayDataReference(xa);
        ref T y = ref MemoryMarshal.GetArrayDataReference(ya);
        int n = xa.Length, i = 0, c = Vector128<T>.Count;
        Vector128<T> a0 = Vector128<T>.Zero;
        for (; i <= n - c; i += c)
        {
            var xv = Vector128.LoadUnsafe(ref x, (nuint)i);
            var yv = Vector128.LoadUnsafe(ref y, (nuint)i);
            a0 += BceValue(xv, yv, Exp(-Vector128.Abs(xv)));
        }
        T s = Vector128.Sum(a0);
        for (; i < n; i++) s += BceScalar(xa[i], ya[i]);
        return s / T.CreateTruncating(n);
    }

    public static T BceFB(T[] xa, T[] ya, T[] ga)
    {
        ref T x = ref MemoryMarshal.GetArrayDataReference(xa);
        ref T y = ref MemoryMarshal.GetArrayDataReference(ya);
        ref T g = ref MemoryMarshal.GetArrayDataReference(ga);
        int n = xa.Length, i = 0, c = Vector128<T>.Count;
        T k = T.One / T.CreateTruncating(n);
        var kv = V(k);
        Vector128<T> a0 = Vector128<T>.Zero;
        for (; i <= n - c; i += c)
        {
            var xv = Vector128.LoadUnsafe(ref x, (nuint)i);
            var yv = Vector128.LoadUnsafe(ref y, (nuint)i);
            var e = Exp(-Vector128.Abs(xv));
            a0 += BceValue(xv, yv, e);
            (kv * (SigmoidFromE(xv, e) - yv)).StoreUnsafe(ref g, (nuint)i);
        }
        T s = Vector128.Sum(a0);
        for (; i < n; i++) { s += BceScalar(xa[i], ya[i]); ga[i] = k * (T.One / (T.One + T.Exp(-xa[i])) - ya[i]); }
        return s * k;
    }

    // sigmoid_focal_loss, alpha = 0.25, gamma = 2 (the square as a multiply, as a user would)
    public static T FocalFB(T[] xa, T[] ya, T[] ga)
    {
        ref T x = ref MemoryMarshal.GetArrayDataReference(xa);
        ref T y = ref MemoryMarshal.GetArrayDataReference(ya);
        ref T g = ref MemoryMarshal.GetArrayDataReference(ga);
        int n = xa.Length, i = 0, c = Vector128<T>.Count;
        T k = T.One / T.CreateTruncating(n);
        var kv = V(k);
        var one = Vector128<T>.One;
        Vector128<T> a0 = Vector128<T>.Zero;
        for (; i <= n - c; i += c)
        {
            var xv = Vector128.LoadUnsafe(ref x, (nuint)i);
            var yv = Vector128.LoadUnsafe(ref y, (nuint)i);
            var e = Exp(-Vector128.Abs(xv));
            var ce = BceValue(xv, yv, e);
            var p = SigmoidFromE(xv, e);
            var py = p * yv;
            var m = p + yv - py - py;
            var at = V(K(0.75)) - V(K(0.5)) * yv;
            var atce = at * ce;
            a0 += atce * m * m;
            var dm = p * (one - p) * (one - yv - yv);
            (kv * (at * (p - yv) * m * m + V(K(2.0)) * atce * m * dm)).StoreUnsafe(ref g, (nuint)i);
        }
        T s = Vector128.Sum(a0);
        if (i < n) s += Naive<T>.FocalFB(xa[i..], ya[i..], new T[n - i]) * T.CreateTruncating(n - i); // tail (never taken for the sizes here)
        return s * k;
    }

    // log cosh d = d + softplus(-2 d) - log 2 = |d| + log(1 + e) - log 2 with e = exp(-2 |d|); gradient tanh d = sign(d) (1 - e) / (1 + e)
    public static T LogCoshFB(T[] xa, T[] ya, T[] ga)
    {
        ref T x = ref MemoryMarshal.GetArrayDataReference(xa);
        ref T y = ref MemoryMarshal.GetArrayDataReference(ya);
        ref T g = ref MemoryMarshal.GetArrayDataReference(ga);
        int n = xa.Length, i = 0, c = Vector128<T>.Count;
        T k = T.One / T.CreateTruncating(n);
        var kv = V(k);
        var one = Vector128<T>.One;
        var ln2 = V(K(0.6931471805599453));
        Vector128<T> a0 = Vector128<T>.Zero;
        for (; i <= n - c; i += c)
        {
            var d = Vector128.LoadUnsafe(ref x, (nuint)i) - Vector128.LoadUnsafe(ref y, (nuint)i);
            var ad = Vector128.Abs(d);
            var e = Exp(V(K(-2.0)) * ad);
            a0 += ad + Log(one + e) - ln2;
            (kv * Vector128.CopySign((one - e) / (one + e), d)).StoreUnsafe(ref g, (nuint)i);
        }
        T s = Vector128.Sum(a0);
        if (i < n) s += Naive<T>.LogCoshFB(xa[i..], ya[i..], new T[n - i]) * T.CreateTruncating(n - i);
        return s * k;
    }

    public static T PoissonFB(T[] xa, T[] ya, T[] ga)
    {
        ref T x = ref MemoryMarshal.GetArrayDataReference(xa);
        ref T y = ref MemoryMarshal.GetArrayDataReference(ya);
        ref T g = ref MemoryMarshal.GetArrayDataReference(ga);
        int n = xa.Length, i = 0, c = Vector128<T>.Count;
        T k = T.One / T.CreateTruncating(n);
        var kv = V(k);
        Vector128<T> a0 = Vector128<T>.Zero;
        for (; i <= n - c; i += c)
        {
            var xv = Vector128.LoadUnsafe(ref x, (nuint)i);
            var yv = Vector128.LoadUnsafe(ref y, (nuint)i);
            var e = Exp(xv);
            a0 += e - yv * xv;
            (kv * (e - yv)).StoreUnsafe(ref g, (nuint)i);
        }
        T s = Vector128.Sum(a0);
        for (; i < n; i++) { T e = T.Exp(xa[i]); s += e - ya[i] * xa[i]; ga[i] = k * (e - ya[i]); }
        return s * k;
    }
}
