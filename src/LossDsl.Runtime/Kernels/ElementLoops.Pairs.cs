using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace LossDsl;

public static partial class ElementLoops
{
    /// <summary>
    /// The sum of a pair kernel over the ordered pairs (p, q) of <paramref name="start"/> .. <paramref name="end"/>:
    /// for each outer p, one vectorised pass over q (n^2 terms, n = end - start).
    /// </summary>
    public static T PairSum<TKernel, T>(ref TKernel kernel, int start, int end)
        where TKernel : struct, IPairKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        T total = T.Zero;
        for (int p = start; p < end; p++)
        {
            kernel.SetOuter(p);
            total += Sum<TKernel, T>(ref kernel, start, end);
        }
        return total;
    }

    /// <summary>
    /// A pair aggregate's gradient over a row: adds <paramref name="coefficient"/> times the sum over q of the kernel at
    /// (p, q) to <paramref name="gradient"/>[p - start], for each p in <paramref name="start"/> .. <paramref name="end"/>
    /// (<paramref name="gradient"/> is the row's slice of the gradient span).
    /// </summary>
    public static void PairGradient<TKernel, T>(ref TKernel kernel, int start, int end, T coefficient, Span<T> gradient)
        where TKernel : struct, IPairKernel<T>, allows ref struct
        where T : unmanaged, INumberBase<T>
    {
        if (gradient.Length < end - start) throw new ArgumentException("The gradient slice is shorter than the row.", nameof(gradient));
        for (int p = start; p < end; p++)
        {
            kernel.SetOuter(p);
            gradient[p - start] += coefficient * Sum<TKernel, T>(ref kernel, start, end);
        }
    }
}
