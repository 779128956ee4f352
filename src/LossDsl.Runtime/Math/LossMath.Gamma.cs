using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LossDsl;

// The gamma family: Lgamma (log |Gamma(x)|), Digamma (its derivative) and Trigamma (the digamma's derivative).
// Written once over double lanes; every width runs it, float lanes widened to double and rounded once.
// x >= 10: the asymptotic (Stirling) series. 0 < x < 10: unit steps of the recurrences (as masked lanes, at most
// 8 or 10 steps) to a base interval, where a polynomial fitted by scripts/special_coefficients.py (mpmath, 80
// digits; its output is scripts/special_coefficients.txt) carries the zeros: lgamma(2 + t) = t G(t) on |t| <= 1/2
// (the steps reach x - 1 and x - 2 exactly, so lgamma is accurate near its zeros 1 and 2), digamma(x) =
// (x - x0) H(x - 3/2) on [1, 2] around its positive zero x0. x < 0: the reflection formulas, with sin(pi x) and
// cos(pi x) from the reduced argument. Measured accuracy: docs/language.md, "Accuracy of the special functions".
public static partial class LossMath
{
    // ---- Lgamma ----

    /// <summary>log |Gamma(x)| (PyTorch's lgamma): +inf at 0, the negative integers and both infinities.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Lgamma<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<LgammaKernel, T>(x);
    /// <summary>log |Gamma(x)| per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Lgamma<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<LgammaKernel, T>(x);
    /// <summary>log |Gamma(x)| per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Lgamma<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<LgammaKernel, T>(x);
    /// <summary>log |Gamma(x)| per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Lgamma<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<LgammaKernel, T>(x);

    // ---- Digamma ----

    /// <summary>The digamma function Gamma'(x) / Gamma(x) (PyTorch's digamma): -inf at +0, +inf at -0, NaN at the negative integers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Digamma<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<DigammaKernel, T>(x);
    /// <summary>The digamma function per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Digamma<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<DigammaKernel, T>(x);
    /// <summary>The digamma function per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Digamma<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<DigammaKernel, T>(x);
    /// <summary>The digamma function per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Digamma<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<DigammaKernel, T>(x);

    // ---- Trigamma ----

    /// <summary>The trigamma function, the derivative of digamma (PyTorch's polygamma(1, x)): +inf at 0 and the negative integers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Trigamma<T>(T x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<TrigammaKernel, T>(x);
    /// <summary>The trigamma function per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Trigamma<T>(Vector128<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<TrigammaKernel, T>(x);
    /// <summary>The trigamma function per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Trigamma<T>(Vector256<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<TrigammaKernel, T>(x);
    /// <summary>The trigamma function per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Trigamma<T>(Vector512<T> x) where T : unmanaged, IBinaryFloatingPointIeee754<T> => Special<TrigammaKernel, T>(x);

    // ---- The algorithms (double lanes) ----

    // lgamma(2 + t) / t on |t| <= 1/2, lowest power first.
    private static readonly double[] s_lgammaG = [0.42278433509846713, 0.3224670334241132, -0.0673523010531981, 0.020580808427784546, -0.007385551028673985, 0.00289051033074169, -0.001192753911703341, 0.0005096695247350683, -0.0002231547584497479, 9.945751299363625e-05, -4.492623683991237e-05, 2.0507209343745496e-05, -9.439486626319787e-06, 4.374902412017623e-06, -2.0392328688796764e-06, 9.548997418453316e-07, -4.4913090601587737e-07, 2.13132360926355e-07, -1.009417407785624e-07, 4.480967270070044e-08, -2.132355601303517e-08, 1.518480659935755e-08, -7.2708892316949816e-09];
    // digamma(x) / (x - x0) in powers of u = x - 3/2, on [1, 2].
    private static readonly double[] s_digammaH = [0.9510558760318328, -0.42362742128146047, 0.24054248424078692, -0.14840492305391728, 0.09498872445291462, -0.06192213327172083, 0.040760833938334434, -0.026975796839586987, 0.017907248437179828, -0.011908215352038964, 0.007927018627589998, -0.005280013754573882, 0.003518157563125208, -0.002344708591332421, 0.0015628455328239746, -0.0010417068579679151, 0.0006944244909288887, -0.00046347256560872195, 0.0003089742481538448, -0.0002031927780100769, 0.0001354606596174373, -0.00010007465075955595, 6.671624260087674e-05, -2.223876176790192e-05, 1.4825811889322715e-05, -3.9535405301454114e-05, 2.6356930449260316e-05];
    private const double DigammaZeroHi = 1.4616321449683622, DigammaZeroLo = 9.549995429965697e-17;
    // sin(pi r) / r and cos(pi r) in powers of r^2 (Taylor, |r| <= 1/2).
    private static readonly double[] s_sinPi = [3.141592653589793, -5.16771278004997, 2.5501640398773455, -0.5992645293207921, 0.08214588661112823, -0.0073704309457143504, 0.00046630280576761255, -2.1915353447830217e-05, 7.952054001475513e-07, -2.2948428997269873e-08, 5.392664662608129e-10, -1.0518471716932065e-11, 1.7302192458361107e-13];
    private static readonly double[] s_cosPi = [1.0, -4.934802200544679, 4.0587121264167685, -1.3352627688545895, 0.2353306303588932, -0.02580689139001406, 0.0019295743094039231, -0.0001046381049248457, 4.303069587032947e-06, -1.3878952462213771e-07, 3.604730797462501e-09, -7.700707130601354e-11, 1.3768647280377414e-12, -2.0906323353147685e-14];
    // The asymptotic series' terms: B_2k / (2k (2k - 1)) for lgamma, B_2k / 2k for digamma, B_2k for trigamma, k = 1..9.
    private static readonly double[] s_stirling = [0.08333333333333333, -0.002777777777777778, 0.0007936507936507937, -0.0005952380952380953, 0.0008417508417508417, -0.0019175269175269176, 0.00641025641025641, -0.029550653594771242, 0.17964437236883057];
    private static readonly double[] s_digammaTerms = [0.08333333333333333, -0.008333333333333333, 0.003968253968253968, -0.004166666666666667, 0.007575757575757576, -0.021092796092796094, 0.08333333333333333, -0.4432598039215686, 3.0539543302701198];
    private static readonly double[] s_trigammaTerms = [0.16666666666666666, -0.03333333333333333, 0.023809523809523808, -0.03333333333333333, 0.07575757575757576, -0.2531135531135531, 1.1666666666666667, -7.092156862745098, 54.971177944862156];
    private const double HalfLog2Pi = 0.9189385332046728, LogPi = 1.1447298858494002, Pi = 3.141592653589793;

    /// <summary>r = x - round(x) in [-1/2, 1/2]: sin(pi x) = ±sin(pi r), and cot and sin^2 of pi x are those of pi r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Reduced<TV, O>(TV x) where O : ILaneOps<TV, double> => O.Sub(x, O.Round(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV SinPiReduced<TV, O>(TV r) where O : ILaneOps<TV, double> => O.Mul(r, Polynomial<TV, O>(O.Mul(r, r), s_sinPi));

    /// <summary>lgamma(x) for x > 0 (finite or +inf).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV LgammaPositive<TV, O>(TV x) where O : ILaneOps<TV, double>
    {
        TV one = O.C(1.0), ten = O.C(10.0);
        // x >= 10: (x - 1/2)(log x - 1) - 1/2 + log(2 pi)/2 + sum B_2k / (2k (2k-1) x^(2k-1)).
        TV xs = O.Max(x, ten);
        TV w = O.Div(one, xs);
        TV series = O.Mul(w, Polynomial<TV, O>(O.Mul(w, w), s_stirling));
        TV large = O.Add(O.Mul(O.Sub(xs, O.C(0.5)), O.Sub(O.Log(xs), one)), O.Add(O.C(HalfLog2Pi - 0.5), series));
        // x < 10: down to z in [1.5, 2.5) (lgamma(z + 1) = lgamma(z) + log z), or up from x < 1.5.
        TV z = O.Min(x, ten), product = one;
        for (int i = 0; i < 8; i++)
        {
            TV down = O.Ge(z, O.C(2.5));
            z = O.Select(down, O.Sub(z, one), z);
            product = O.Select(down, O.Mul(product, z), product);
        }
        TV half = O.C(0.5), onePointFive = O.C(1.5);
        TV below = O.Lt(x, onePointFive);
        TV t = O.Select(O.Lt(x, half), x, O.Select(below, O.Sub(x, one), O.Sub(z, O.C(2.0))));
        TV up = O.Select(O.Lt(x, half), O.Mul(x, O.Add(x, one)), x); // lgamma(x) = lgamma(x + k) - log(x ... (x + k - 1))
        TV logs = O.Log(O.Select(below, up, product));
        TV small = O.Add(O.Mul(t, Polynomial<TV, O>(t, s_lgammaG)), O.Select(below, O.Neg(logs), logs));
        return O.Select(O.Lt(x, ten), small, large);
    }

    // lgamma(x) = log(pi) - log|sin(pi x)| - lgamma(1 - x) for x < 0.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV LgammaCore<TV, O>(TV x) where O : ILaneOps<TV, double>
    {
        TV negative = O.Lt(x, O.C(0.0));
        TV positive = LgammaPositive<TV, O>(O.Select(negative, O.Sub(O.C(1.0), x), x));
        TV sin = O.Abs(SinPiReduced<TV, O>(Reduced<TV, O>(x)));
        TV reflected = O.Sub(O.Sub(O.C(LogPi), O.Log(sin)), positive);
        TV result = O.Select(negative, reflected, positive);
        // -inf: +inf (its reduction is NaN); NaN stays NaN.
        return O.Select(O.Eq(x, O.C(double.NegativeInfinity)), O.C(double.PositiveInfinity), result);
    }

    /// <summary>digamma(x) for x >= 0 (+0 gives -inf) or +inf.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV DigammaPositive<TV, O>(TV x) where O : ILaneOps<TV, double>
    {
        TV one = O.C(1.0), ten = O.C(10.0);
        // x >= 10: log x - 1/(2x) - sum B_2k / (2k x^2k).
        TV xs = O.Max(x, ten);
        TV w = O.Div(one, xs);
        TV w2 = O.Mul(w, w);
        TV large = O.Sub(O.Sub(O.Log(xs), O.Mul(O.C(0.5), w)), O.Mul(w2, Polynomial<TV, O>(w2, s_digammaTerms)));
        // x < 10: down to z in [1, 2) (digamma(z + 1) = digamma(z) + 1/z), or one step up from x < 1.
        TV z = O.Min(x, ten), sum = O.C(0.0);
        for (int i = 0; i < 8; i++)
        {
            TV down = O.Ge(z, O.C(2.0));
            z = O.Select(down, O.Sub(z, one), z);
            sum = O.Select(down, O.Add(sum, O.Div(one, z)), sum);
        }
        TV below = O.Lt(x, one);
        z = O.Select(below, O.Add(x, one), z);
        sum = O.Select(below, O.Neg(O.Div(one, x)), sum);
        TV near = O.Mul(O.Sub(O.Sub(z, O.C(DigammaZeroHi)), O.C(DigammaZeroLo)), Polynomial<TV, O>(O.Sub(z, O.C(1.5)), s_digammaH));
        return O.Select(O.Lt(x, ten), O.Add(near, sum), large);
    }

    // digamma(x) = digamma(1 - x) - pi cot(pi x) for x < 0; NaN at the negative integers and -inf, as PyTorch.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV DigammaCore<TV, O>(TV x) where O : ILaneOps<TV, double>
    {
        TV negative = O.Lt(x, O.C(0.0));
        TV positive = DigammaPositive<TV, O>(O.Select(negative, O.Sub(O.C(1.0), x), x));
        TV r = Reduced<TV, O>(x);
        TV r2 = O.Mul(r, r);
        TV cot = O.Div(Polynomial<TV, O>(r2, s_cosPi), O.Mul(r, Polynomial<TV, O>(r2, s_sinPi)));
        TV reflected = O.Select(O.Eq(r, O.C(0.0)), O.C(double.NaN), O.Sub(positive, O.Mul(O.C(Pi), cot)));
        return O.Select(negative, reflected, positive);
    }

    /// <summary>trigamma(x) for x >= 0 or +inf: up to z >= 10 (trigamma(z) = trigamma(z + 1) + 1/z^2), then 1/z + 1/(2z^2) + sum B_2k / z^(2k+1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV TrigammaPositive<TV, O>(TV x) where O : ILaneOps<TV, double>
    {
        TV one = O.C(1.0), ten = O.C(10.0);
        TV z = x, sum = O.C(0.0);
        for (int i = 0; i < 10; i++)
        {
            TV up = O.Lt(z, ten);
            sum = O.Select(up, O.Add(sum, O.Div(one, O.Mul(z, z))), sum);
            z = O.Select(up, O.Add(z, one), z);
        }
        TV w = O.Div(one, z);
        TV w2 = O.Mul(w, w);
        TV tail = O.Add(w, O.Mul(w2, O.Add(O.C(0.5), O.Mul(w, Polynomial<TV, O>(w2, s_trigammaTerms)))));
        return O.Add(sum, tail);
    }

    // trigamma(x) = pi^2 / sin^2(pi x) - trigamma(1 - x) for x < 0: +inf at the negative integers, NaN at -inf.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV TrigammaCore<TV, O>(TV x) where O : ILaneOps<TV, double>
    {
        TV negative = O.Lt(x, O.C(0.0));
        TV positive = TrigammaPositive<TV, O>(O.Select(negative, O.Sub(O.C(1.0), x), x));
        TV sin = SinPiReduced<TV, O>(Reduced<TV, O>(x));
        TV reflected = O.Sub(O.Div(O.C(Pi * Pi), O.Mul(sin, sin)), positive);
        return O.Select(negative, reflected, positive);
    }

    private readonly struct LgammaKernel : IDoubleKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV, O>(TV x) where O : ILaneOps<TV, double> => LgammaCore<TV, O>(x);
    }

    private readonly struct DigammaKernel : IDoubleKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV, O>(TV x) where O : ILaneOps<TV, double> => DigammaCore<TV, O>(x);
    }

    private readonly struct TrigammaKernel : IDoubleKernel
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Apply<TV, O>(TV x) where O : ILaneOps<TV, double> => TrigammaCore<TV, O>(x);
    }
}
