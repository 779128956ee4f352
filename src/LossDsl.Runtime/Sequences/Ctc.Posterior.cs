using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LossDsl;

// The gradient (Graves et al. 2006, eq. 16, in PyTorch's form for log-softmax inputs):
//   grad[t, c] += adjoint (e^lp[t, c] - e^(lcab[t, c] + nll - lp[t, c])),
//   lcab[t, c] = log sum over the states s with l'_s = c of e^(alpha[t, s] + beta[t, s])   (-inf for a class not in l').
// The subtracted term is the posterior of class c at frame t, the sum over c's states of the state posteriors
//   e^(alpha[t, s] + beta[t, s] - lp[t, c] + nll)
// (alpha and beta both include the emission lp[t, l'_s], once too many). Each is at most 1, so it is computed
// directly, a vector of states at a time, with no log-sum-exp shift; only the sum per class is a scatter. A state
// posterior below e^-87 (see ExpOrZero) is taken as exactly 0: an absolute error under 1.6e-38.
// PyTorch's NaNs come from its form, where e^(-inf + nll - lp) is NaN if nll = +inf (an infeasible sample: every frame
// below inputLength) or lp = -inf; they are reproduced for every class, in l' or not, by adding nll - nll and
// lp - lp (0, or NaN exactly then).
// The frames are collected from the last to the first, as the beta recursion produces its rows.
public static partial class Ctc
{
    /// <summary>posterior[s] = e^(alpha[t, s] + beta[t, s] - lp[t, l'_s] + nll), from the two padded rows and the emissions.</summary>
    private readonly ref struct PosteriorStep<T> : IRowKernel<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> _alpha, _beta, _emission;
        private readonly double _nll; // exact for float and double, for O.C

        public PosteriorStep(ReadOnlySpan<T> alpha, ReadOnlySpan<T> beta, ReadOnlySpan<T> emission, T nll)
        {
            _alpha = alpha;
            _beta = beta;
            _emission = emission;
            _nll = double.CreateTruncating(nll);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV, O, L>(int s) where O : ILaneOps<TV, T> where L : ILaneLoad<TV, T>
        {
            TV pair = O.Add(L.Load(ref MemoryMarshal.GetReference(_alpha), Pad + s), L.Load(ref MemoryMarshal.GetReference(_beta), Pad + s));
            return ExpOrZero<TV, T, O>(O.Add(O.Sub(pair, L.Load(ref MemoryMarshal.GetReference(_emission), s)), O.C(_nll)));
        }
    }

    /// <summary>grad[t, c] + adjoint (e^lp[t, c] - posterior[c]), with PyTorch's NaNs (see above); without grad[t, c] when writing.</summary>
    private readonly ref struct GradientStep<T> : IRowKernel<T> where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        private readonly ReadOnlySpan<T> _logProbs, _posterior, _grad;
        private readonly double _adjoint, _infeasible; // exact for float and double, for O.C
        private readonly bool _add;

        public GradientStep(ReadOnlySpan<T> logProbs, ReadOnlySpan<T> posterior, ReadOnlySpan<T> grad, T nll, T adjoint, bool add)
        {
            _add = add;
            _logProbs = logProbs;
            _posterior = posterior;
            _grad = grad;
            _adjoint = double.CreateTruncating(adjoint);
            _infeasible = double.CreateTruncating(nll - nll); // NaN when nll = +inf, else 0
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TV Invoke<TV, O, L>(int c) where O : ILaneOps<TV, T> where L : ILaneLoad<TV, T>
        {
            TV lp = L.Load(ref MemoryMarshal.GetReference(_logProbs), c);
            TV difference = O.Sub(O.Exp(lp), L.Load(ref MemoryMarshal.GetReference(_posterior), c));
            TV nan = O.Add(O.Sub(lp, lp), O.C(_infeasible)); // 0, or NaN where PyTorch's form gives NaN
            TV gradient = O.Mul(O.C(_adjoint), O.Add(difference, nan));
            return _add ? O.Add(L.Load(ref MemoryMarshal.GetReference(_grad), c), gradient) : gradient;
        }
    }

    /// <summary>
    /// Runs the beta recursion from the last frame to the first and, at each frame, adds that frame's gradient into
    /// <paramref name="grad"/> (or, without <paramref name="add"/>, writes it; frames at and beyond Frames are left alone).
    /// </summary>
    private static void BackwardAndCollect<T>(ReadOnlySpan<T> logProbs, in Lattice lattice, in GradientWork<T> work, T nll, T adjoint, Span<T> grad, bool add = true)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Span<T> next = work.BetaA, current = work.BetaB;
        int last = lattice.Frames - 1;
        BetaStart(logProbs, lattice, work.Extended, next);
        current.Fill(T.NegativeInfinity); // its pads stay -inf: the steps write states only
        CollectFrame(logProbs, lattice, work, last, next, nll, adjoint, grad, add);
        for (int t = last - 1; t >= 0; t--)
        {
            BetaBack(lattice, next, current, work.SkipMask, work.EmissionRow(t));
            CollectFrame(logProbs, lattice, work, t, current, nll, adjoint, grad, add);
            Span<T> done = current;
            current = next;
            next = done;
        }
    }

    /// <summary>Adds the gradient of frame <paramref name="t"/>, given its padded beta row (its emissions are work.EmissionRow(t)).</summary>
    private static void CollectFrame<T>(ReadOnlySpan<T> logProbs, in Lattice lattice, in GradientWork<T> work, int t, ReadOnlySpan<T> betaRow,
        T nll, T adjoint, Span<T> grad, bool add)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ReadOnlySpan<int> extended = work.Extended;
        Span<T> states = work.StatePosterior, classes = work.ClassPosterior;

        var posteriorStep = new PosteriorStep<T>(work.AlphaRow(t), betaRow, work.EmissionRow(t), nll);
        MapLanes<PosteriorStep<T>, T>(ref posteriorStep, states); // the lanes past the states are not read

        // PyTorch assigns (rather than log-adds) the last frame's two entries, blank's then lS's: when lS is the blank
        // class itself, the final blank state's share is overwritten. Only reachable with a label equal to blank.
        int n = lattice.States;
        if (t == lattice.Frames - 1 && lattice.Labels > 0 && extended[n - 2] == lattice.Blank)
            states[n - 1] = T.Zero;

        classes.Clear();
        for (int s = 0; s < n; s++) classes[extended[s]] += states[s];

        int c = lattice.Classes;
        Span<T> gradRow = grad.Slice(t * c, c);
        var gradientStep = new GradientStep<T>(logProbs.Slice(t * c, c), classes, gradRow, nll, adjoint, add);
        Map<GradientStep<T>, T>(ref gradientStep, gradRow);
    }
}
