using System.Numerics;

namespace LossDsl.Benchmarks;

/// <summary>What a .NET user writes today without SIMD: one scalar loop per loss, value and input gradient fused.</summary>
public static class Naive<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private static T K(double v) => T.CreateTruncating(v);

    public static T MseFwd(T[] x, T[] y)
    {
        T s = T.Zero;
        for (int i = 0; i < x.Length; i++) { T d = x[i] - y[i]; s += d * d; }
        return s / T.CreateTruncating(x.Length);
    }

    public static T MseFB(T[] x, T[] y, T[] g)
    {
        T s = T.Zero, c = K(2.0) / T.CreateTruncating(x.Length);
        for (int i = 0; i < x.Length; i++) { T d = x[i] - y[i]; s += d * d; g[i] = c * d; }
        return s / T.CreateTruncating(x.Length);
    }

    public static T L1FB(T[] x, T[] y, T[] g)
    {
        T s = T.Zero, c = T.One / T.CreateTruncating(x.Length);
        for (int i = 0; i < x.Length; i++) { T d = x[i] - y[i]; s += T.Abs(d); g[i] = d > T.Zero ? c : d < T.Zero ? -c : T.Zero; }
        return s * c;
    }

    public static T HuberFB(T[] x, T[] y, T[] g)
    {
        T s = T.Zero, c = T.One / T.CreateTruncating(x.Length), half = K(0.5);
        for (int i = 0; i < x.Length; i++)
        {
            T d = x[i] - y[i], a = T.Abs(d);
            if (a < T.One) { s += half * d * d; g[i] = c * d; }
            else { s += a - half; g[i] = d > T.Zero ? c : -c; }
        }
        return s * c;
    }

    public static T SmoothL1FB(T[] x, T[] y, T[] g)
    {
        T s = T.Zero, c = T.One / T.CreateTruncating(x.Length), half = K(0.5), beta = T.One;
        for (int i = 0; i < x.Length; i++)
        {
            T d = x[i] - y[i];
            if (d <= -beta) { s += -d - half * beta; g[i] = -c; }
            else if (d >= beta) { s += d - half * beta; g[i] = c; }
            else { s += half * d * d / beta; g[i] = c * d / beta; }
        }
        return s * c;
    }

    public static T HingeEmbFB(T[] x, T[] y, T[] g)
    {
        T s = T.Zero, c = T.One / T.CreateTruncating(x.Length), margin = T.One;
        for (int i = 0; i < x.Length; i++)
        {
            if (y[i] == T.One) { s += x[i]; g[i] = c; }
            else { T h = margin - x[i]; if (h > T.Zero) { s += h; g[i] = -c; } else g[i] = T.Zero; }
        }
        return s * c;
    }

    // softplus(-x) = max(-x, 0) + log(1 + exp(-|x|))
    public static T BceFwd(T[] x, T[] y)
    {
        T s = T.Zero;
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i];
            s += (T.One - y[i]) * v + T.Max(-v, T.Zero) + T.Log(T.One + T.Exp(-T.Abs(v)));
        }
        return s / T.CreateTruncating(x.Length);
    }

    public static T BceFB(T[] x, T[] y, T[] g)
    {
        T s = T.Zero, c = T.One / T.CreateTruncating(x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i];
            s += (T.One - y[i]) * v + T.Max(-v, T.Zero) + T.Log(T.One + T.Exp(-T.Abs(v)));
            g[i] = c * (T.One / (T.One + T.Exp(-v)) - y[i]);
        }
        return s * c;
    }

    // torchvision's sigmoid_focal_loss, alpha = 0.25, gamma = 2
    public static T FocalFB(T[] x, T[] y, T[] g)
    {
        T s = T.Zero, c = T.One / T.CreateTruncating(x.Length), alpha = K(0.25);
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i], t = y[i];
            T p = T.One / (T.One + T.Exp(-v));
            T ce = (T.One - t) * v + T.Max(-v, T.Zero) + T.Log(T.One + T.Exp(-T.Abs(v)));
            T pt = p * t + (T.One - p) * (T.One - t);
            T at = alpha * t + (T.One - alpha) * (T.One - t);
            T m = T.One - pt;
            s += at * ce * m * m;
            T dm = p * (T.One - p) * (T.One - K(2.0) * t); // d(1 - p_t)/dx
            g[i] = c * at * ((p - t) * m * m + ce * K(2.0) * m * dm);
        }
        return s * c;
    }

    // log(cosh(d)) = d + softplus(-2d) - log 2; gradient tanh(d)
    public static T LogCoshFB(T[] x, T[] y, T[] g)
    {
        T s = T.Zero, c = T.One / T.CreateTruncating(x.Length), ln2 = T.CreateTruncating(0.6931471805599453);
        for (int i = 0; i < x.Length; i++)
        {
            T d = x[i] - y[i], m = K(-2.0) * d;
            s += d + T.Max(m, T.Zero) + T.Log(T.One + T.Exp(-T.Abs(m))) - ln2;
            g[i] = c * T.Tanh(d);
        }
        return s * c;
    }

    // log_input = true: exp(x) - y x; gradient exp(x) - y
    public static T PoissonFB(T[] x, T[] y, T[] g)
    {
        T s = T.Zero, c = T.One / T.CreateTruncating(x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            T e = T.Exp(x[i]);
            s += e - y[i] * x[i];
            g[i] = c * (e - y[i]);
        }
        return s * c;
    }
}
