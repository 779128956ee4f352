using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace LossDsl.Benchmarks;

/// <summary>
/// The loss composed from TensorPrimitives calls, the way a .NET user would write it today: one vectorized pass
/// per operation, with temporaries preallocated by the caller (so no allocation per call).
/// </summary>
public static class Composed<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static T K(double v) => T.CreateTruncating(v);
    private static T Inv(int n) => T.One / T.CreateTruncating(n);

    public static T MseFwd(T[] x, T[] y, T[] t1)
    {
        TensorPrimitives.Subtract<T>(x, y, t1);
        return TensorPrimitives.SumOfSquares<T>(t1) * Inv(x.Length);
    }

    public static T MseFB(T[] x, T[] y, T[] g, T[] t1)
    {
        TensorPrimitives.Subtract<T>(x, y, t1);
        T loss = TensorPrimitives.SumOfSquares<T>(t1) * Inv(x.Length);
        TensorPrimitives.Multiply<T>(t1, K(2.0) * Inv(x.Length), g);
        return loss;
    }

    public static T L1FB(T[] x, T[] y, T[] g, T[] t1)
    {
        TensorPrimitives.Subtract<T>(x, y, t1);
        T loss = TensorPrimitives.SumOfMagnitudes<T>(t1) * Inv(x.Length);
        g.AsSpan().Fill(Inv(x.Length));
        TensorPrimitives.CopySign<T>(g, t1, g);
        return loss;
    }

    // huber (delta = 1) and smooth_l1 (beta = 1): with a = |d|, m = min(a, 1): loss = m a - m^2 / 2, grad = clamp(d, -1, 1)
    public static T HuberFB(T[] x, T[] y, T[] g, T[] t1, T[] t2, T delta)
    {
        TensorPrimitives.Subtract<T>(x, y, t1);
        TensorPrimitives.Abs<T>(t1, t2);
        TensorPrimitives.Min<T>(t2, delta, g);
        T loss = (TensorPrimitives.Dot<T>(g, t2) - K(0.5) * TensorPrimitives.SumOfSquares<T>(g)) * Inv(x.Length);
        TensorPrimitives.Min<T>(t1, delta, g);
        TensorPrimitives.Max<T>(g, -delta, g);
        TensorPrimitives.Multiply<T>(g, Inv(x.Length), g);
        return loss;
    }

    // margin 1, y = +-1: loss = ((1 + y) x + (1 - y) h) / 2 with h = max(1 - x, 0); grad = ((1 + y) - (1 - y) sign(h)) / 2
    public static T HingeEmbFB(T[] x, T[] y, T[] g, T[] t1, T[] t2, int[] i1)
    {
        TensorPrimitives.Subtract<T>(T.One, x, t1);
        TensorPrimitives.Max<T>(t1, T.Zero, t1);
        T loss = K(0.5) * (TensorPrimitives.Sum<T>(x) + TensorPrimitives.Dot<T>(y, x) + TensorPrimitives.Sum<T>(t1) - TensorPrimitives.Dot<T>(y, t1)) * Inv(x.Length);
        TensorPrimitives.Sign<T>(t1, i1);
        TensorPrimitives.ConvertTruncating<int, T>(i1, t2);
        TensorPrimitives.Multiply<T>(y, t2, g);
        TensorPrimitives.Add<T>(g, y, g);
        TensorPrimitives.Subtract<T>(g, t2, g);
        TensorPrimitives.Add<T>(g, T.One, g);
        TensorPrimitives.Multiply<T>(g, K(0.5) * Inv(x.Length), g);
        return loss;
    }

    // (1 - y) x + softplus(-x) = max(x, 0) - x y + log1p(exp(-|x|))
    public static T BceFwd(T[] x, T[] y, T[] t1, T[] t2)
    {
        TensorPrimitives.Abs<T>(x, t1);
        TensorPrimitives.Negate<T>(t1, t1);
        TensorPrimitives.Exp<T>(t1, t1);
        TensorPrimitives.LogP1<T>(t1, t1);
        TensorPrimitives.Max<T>(x, T.Zero, t2);
        return (TensorPrimitives.Sum<T>(t1) + TensorPrimitives.Sum<T>(t2) - TensorPrimitives.Dot<T>(x, y)) * Inv(x.Length);
    }

    public static T BceFB(T[] x, T[] y, T[] g, T[] t1, T[] t2)
    {
        T loss = BceFwd(x, y, t1, t2);
        TensorPrimitives.Sigmoid<T>(x, g);
        TensorPrimitives.Subtract<T>(g, y, g);
        TensorPrimitives.Multiply<T>(g, Inv(x.Length), g);
        return loss;
    }

    // alpha = 0.25, gamma = 2: p = sigmoid(x), ce as BCE, m = 1 - p_t = p + y - 2 p y, a = 0.75 - 0.5 y;
    // loss = a ce m^2, grad = a ((p - y) m^2 + 2 ce m p (1 - p)(1 - 2 y))
    public static T FocalFB(T[] x, T[] y, T[] g, T[] p, T[] ce, T[] m, T[] a)
    {
        int n = x.Length;
        TensorPrimitives.Sigmoid<T>(x, p);
        TensorPrimitives.Abs<T>(x, ce);
        TensorPrimitives.Negate<T>(ce, ce);
        TensorPrimitives.Exp<T>(ce, ce);
        TensorPrimitives.LogP1<T>(ce, ce);
        TensorPrimitives.Max<T>(x, T.Zero, m);
        TensorPrimitives.Add<T>(ce, m, ce);
        TensorPrimitives.Multiply<T>(x, y, m);
        TensorPrimitives.Subtract<T>(ce, m, ce);
        TensorPrimitives.Multiply<T>(p, y, m);
        TensorPrimitives.MultiplyAdd<T>(m, K(-2.0), p, m);
        TensorPrimitives.Add<T>(m, y, m);
        TensorPrimitives.Multiply<T>(y, K(-0.5), a);
        TensorPrimitives.Add<T>(a, K(0.75), a);
        TensorPrimitives.Multiply<T>(m, m, g);
        TensorPrimitives.Multiply<T>(ce, a, ce);          // ce := a ce
        T loss = TensorPrimitives.Dot<T>(ce, g) * Inv(n);
        TensorPrimitives.Multiply<T>(g, a, g);            // g := a m^2
        TensorPrimitives.Subtract<T>(p, y, a);            // a := p - y
        TensorPrimitives.Multiply<T>(g, a, g);            // g := a m^2 (p - y)
        TensorPrimitives.Subtract<T>(T.One, p, a);        // a := 1 - p
        TensorPrimitives.Multiply<T>(a, p, a);            // a := p (1 - p)
        TensorPrimitives.Multiply<T>(y, K(-2.0), p);      // p := 1 - 2 y
        TensorPrimitives.Add<T>(p, T.One, p);
        TensorPrimitives.Multiply<T>(a, p, a);
        TensorPrimitives.Multiply<T>(a, m, a);
        TensorPrimitives.Multiply<T>(a, ce, a);
        TensorPrimitives.MultiplyAdd<T>(a, K(2.0), g, g);
        TensorPrimitives.Multiply<T>(g, Inv(n), g);
        return loss;
    }

    // d + softplus(-2 d) - log 2, gradient tanh(d)
    public static T LogCoshFB(T[] x, T[] y, T[] g, T[] t1, T[] t2)
    {
        int n = x.Length;
        TensorPrimitives.Subtract<T>(x, y, t1);
        TensorPrimitives.Multiply<T>(t1, K(-2.0), t2);
        TensorPrimitives.Max<T>(t2, T.Zero, g);
        T s = TensorPrimitives.Sum<T>(t1) + TensorPrimitives.Sum<T>(g);
        TensorPrimitives.Abs<T>(t2, t2);
        TensorPrimitives.Negate<T>(t2, t2);
        TensorPrimitives.Exp<T>(t2, t2);
        TensorPrimitives.LogP1<T>(t2, t2);
        T loss = (s + TensorPrimitives.Sum<T>(t2)) * Inv(n) - K(0.6931471805599453);
        TensorPrimitives.Tanh<T>(t1, g);
        TensorPrimitives.Multiply<T>(g, Inv(n), g);
        return loss;
    }

    public static T PoissonFB(T[] x, T[] y, T[] g, T[] t1)
    {
        TensorPrimitives.Exp<T>(x, t1);
        T loss = (TensorPrimitives.Sum<T>(t1) - TensorPrimitives.Dot<T>(x, y)) * Inv(x.Length);
        TensorPrimitives.Subtract<T>(t1, y, g);
        TensorPrimitives.Multiply<T>(g, Inv(x.Length), g);
        return loss;
    }
}
