using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

// The error-function family: Erf, Erfc and LogNdtr (log of the standard normal CDF). Each is written once over
// double lanes (Cephes' rational approximations of erf on |x| < 1 and of exp(x^2) erfc(x) on x >= 1, with exp(-x^2)
// computed from an exactly split x^2); every width runs it, float lanes widened to double and rounded once.
// Measured accuracy: docs/language.md, "Accuracy of the special functions".
public static partial class LossMath
{
    // ---- Erf ----

    /// <summary>The error function, 2/sqrt(pi) times the integral of e^(-t^2) from 0 to x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Erf<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<ErfKernel, T>(x);
    /// <summary>The error function per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Erf<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<ErfKernel, T>(x);
    /// <summary>The error function per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Erf<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<ErfKernel, T>(x);
    /// <summary>The error function per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Erf<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<ErfKernel, T>(x);

    // ---- Erfc ----

    /// <summary>The complementary error function, 1 - erf(x), without cancellation for large x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Erfc<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<ErfcKernel, T>(x);
    /// <summary>1 - erf(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Erfc<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<ErfcKernel, T>(x);
    /// <summary>1 - erf(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Erfc<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<ErfcKernel, T>(x);
    /// <summary>1 - erf(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Erfc<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<ErfcKernel, T>(x);

    // ---- LogNdtr ----

    /// <summary>log Phi(x), the log of the standard normal CDF, accurate far into the left tail (about -x^2/2 there).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LogNdtr<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<LogNdtrKernel, T>(x);
    /// <summary>log Phi(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LogNdtr<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<LogNdtrKernel, T>(x);
    /// <summary>log Phi(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LogNdtr<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<LogNdtrKernel, T>(x);
    /// <summary>log Phi(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LogNdtr<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<LogNdtrKernel, T>(x);

    // ---- The widths: a double-lane kernel run at each, float through double ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T Special<K, T>(T x) where K : IDoubleKernel where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? Unsafe.BitCast<float, T>(ViaDouble<K>(Unsafe.BitCast<T, float>(x)))
            : Unsafe.BitCast<double, T>(K.Apply<double, ScalarOps<double>>(Unsafe.BitCast<T, double>(x)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Special<K, T>(Vector128<T> x) where K : IDoubleKernel where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ViaDouble<K>(x.As<T, float>()).As<float, T>()
            : K.Apply<Vector128<double>, V128Ops<double>>(x.As<T, double>()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Special<K, T>(Vector256<T> x) where K : IDoubleKernel where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ViaDouble<K>(x.As<T, float>()).As<float, T>()
            : K.Apply<Vector256<double>, V256Ops<double>>(x.As<T, double>()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Special<K, T>(Vector512<T> x) where K : IDoubleKernel where T : unmanaged, IBinaryFloatingPointIeee754<T>
        => typeof(T) == typeof(float)
            ? ViaDouble<K>(x.As<T, float>()).As<float, T>()
            : K.Apply<Vector512<double>, V512Ops<double>>(x.As<T, double>()).As<double, T>();

    /// <summary>c[0] + c[1] x + c[2] x^2 + ... (Horner).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Polynomial<TV, O>(TV x, double[] c) where O : ILaneOps<TV, double>
    {
        TV p = O.C(c[c.Length - 1]);
        for (int i = c.Length - 2; i >= 0; i--) p = O.Mad(p, x, O.C(c[i]));
        return p;
    }

    // Cephes ndtr.c: erf(x) = x T(x^2) / U(x^2) on |x| < 1 (U monic); exp(x^2) erfc(x) = P(x) / Q(x) on [1, 8) and
    // R(x) / S(x) from 8 on (Q, S monic). Lowest power first.
    private static readonly double[] s_erfT = [5.55923013010394962768E4, 7.00332514112805075473E3, 2.23200534594684319226E3, 9.00260197203842689217E1, 9.60497373987051638749E0];
    private static readonly double[] s_erfU = [4.92673942608635921086E4, 2.26290000613890934246E4, 4.59432382970980127987E3, 5.21357949780152679795E2, 3.35617141647503099647E1, 1.0];
    private static readonly double[] s_erfcP = [5.57535335369399327526E2, 1.02755188689515710272E3, 9.34528527171957607540E2, 5.26445194995477358631E2, 1.96520832956077098242E2, 4.86371970985681366614E1, 7.46321056442269912687E0, 5.64189564831068821977E-1, 2.46196981473530512524E-10];
    private static readonly double[] s_erfcQ = [5.57535340817727675546E2, 1.65666309194161350182E3, 2.24633760818710981792E3, 1.82390916687909736289E3, 9.75708501743205489753E2, 3.54937778887819891062E2, 8.67072140885989742329E1, 1.32281951154744992508E1, 1.0];
    private static readonly double[] s_erfcR = [2.97886665372100240670E0, 7.40974269950448939160E0, 6.16021097993053585195E0, 5.01905042251180477414E0, 1.27536670759978104416E0, 5.64189583547755073984E-1];
    private static readonly double[] s_erfcS = [3.36907645100081516050E0, 9.60896809063285878198E0, 1.70814450747565897222E1, 1.20489539808096656605E1, 9.39603524938001434673E0, 2.26052863220117276590E0, 1.0];

    private const double InvSqrtPi = 0.56418958354775628695;

    /// <summary>erf(x) for |x| &lt; 1 (any x: the caller selects).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ErfSmall<TV, O>(TV x) where O : ILaneOps<TV, double>
    {
        TV z = O.Mul(x, x);
        return O.Div(O.Mul(x, Polynomial<TV, O>(z, s_erfT)), Polynomial<TV, O>(z, s_erfU));
    }

    /// <summary>exp(a^2) erfc(a) for a >= 1 (a is clamped there; NaN stays NaN); 1/(a sqrt(pi)) from 1e15 on, 0 at infinity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Erfcx<TV, O>(TV a) where O : ILaneOps<TV, double>
    {
        a = O.Max(a, O.C(1.0));
        TV m = O.Min(a, O.C(1e15)); // keeps S(a) finite: a^6 would overflow from 1e51
        TV near = O.Div(Polynomial<TV, O>(m, s_erfcP), Polynomial<TV, O>(m, s_erfcQ));
        TV far = O.Div(Polynomial<TV, O>(m, s_erfcR), Polynomial<TV, O>(m, s_erfcS));
        TV tail = O.Div(O.C(InvSqrtPi), a);
        return O.Select(O.Lt(a, O.C(8.0)), near, O.Select(O.Lt(a, O.C(1e15)), far, tail));
    }

    /// <summary>
    /// exp(-s a^2) for s = 1 or 1/2 and |a| &lt;= 40, without the rounding of a^2 (which would cost up to a^2 ulps):
    /// a^2 = m^2 + (2 m f + f^2) with m = a rounded to 1/128, so m^2 and s m^2 are exact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpNegSquare<TV, O>(TV a, double s) where O : ILaneOps<TV, double>
    {
        TV m = O.Mul(O.Round(O.Mul(a, O.C(128.0))), O.C(1.0 / 128));
        TV f = O.Sub(a, m);
        TV rest = O.Mad(O.Add(m, m), f, O.Mul(f, f));
        return O.Mul(O.Exp(O.Mul(O.C(-s), O.Mul(m, m))), O.Exp(O.Mul(O.C(-s), rest)));
    }

    /// <summary>erfc(a) for a >= 1 (a is clamped to [1, 30]: erfc(30) underflows to 0 already).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ErfcLarge<TV, O>(TV a) where O : ILaneOps<TV, double>
    {
        a = O.Min(O.Max(a, O.C(1.0)), O.C(30.0));
        return O.Mul(ExpNegSquare<TV, O>(a, 1.0), Erfcx<TV, O>(a));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ErfCore<TV, O>(TV x) where O : ILaneOps<TV, double>
    {
        TV a = O.Abs(x);
        TV large = O.CopySign(O.Sub(O.C(1.0), ErfcLarge<TV, O>(a)), x);
        return O.Select(O.Lt(a, O.C(1.0)), ErfSmall<TV, O>(x), O.Select(O.IsNaN(x), x, large));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ErfcCore<TV, O>(TV x) where O : ILaneOps<TV, double>
    {
        TV a = O.Abs(x);
        TV e = ErfcLarge<TV, O>(a);
        TV large = O.Select(O.Lt(x, O.C(0.0)), O.Sub(O.C(2.0), e), e);
        return O.Select(O.Lt(a, O.C(1.0)), O.Sub(O.C(1.0), ErfSmall<TV, O>(x)), O.Select(O.IsNaN(x), x, large));
    }

    // log Phi(x) with Phi(x) = erfc(-x / sqrt 2) / 2. Left of -sqrt 2: log(Erfcx(t) / 2) - x^2 / 2 with t = -x / sqrt 2
    // (no underflow: about -x^2/2 - log(-x sqrt(2 pi)) far out); elsewhere log1p(-erfc(x / sqrt 2) / 2), that erfc
    // taken as exp(-x^2 / 2) Erfcx(x / sqrt 2) from x >= sqrt 2 on, its exponential from x itself (x / sqrt 2 is
    // rounded: squared, that would cost up to x^2 / 2 ulps in the right tail).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV LogNdtrCore<TV, O>(TV x) where O : ILaneOps<TV, double>
    {
        TV sqrt2 = O.C(1.4142135623730951);
        TV t = O.Mul(x, O.C(0.70710678118654752440));
        TV left = O.Sub(O.Log(O.Mul(O.C(0.5), Erfcx<TV, O>(O.Neg(t)))), O.Mul(O.Mul(O.C(0.5), x), x));
        TV tail = O.Mul(ExpNegSquare<TV, O>(O.Min(x, O.C(40.0)), 0.5), Erfcx<TV, O>(t));
        TV erfc = O.Select(O.Lt(x, sqrt2), O.Sub(O.C(1.0), ErfSmall<TV, O>(t)), O.Select(O.IsNaN(x), x, tail));
        TV right = Log1pCore<TV, double, O>(O.Mul(O.C(-0.5), erfc));
        return O.Select(O.Lt(x, O.Neg(sqrt2)), left, right);
    }

    private readonly struct ErfKernel : IDoubleKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV, O>(TV x) where O : ILaneOps<TV, double> => ErfCore<TV, O>(x);
    }

    private readonly struct ErfcKernel : IDoubleKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV, O>(TV x) where O : ILaneOps<TV, double> => ErfcCore<TV, O>(x);
    }

    private readonly struct LogNdtrKernel : IDoubleKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV, O>(TV x) where O : ILaneOps<TV, double> => LogNdtrCore<TV, O>(x);
    }
}
