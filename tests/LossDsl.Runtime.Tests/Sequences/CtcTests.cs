using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Numerics;
using System.Text.Json;
using Xunit;

namespace LossDsl.Runtime.Tests.Sequences;

/// <summary>
/// <see cref="Ctc"/> against PyTorch 1.13 (the ctc_loss fixture, every sample of every case), against a plain scalar
/// transcription of PyTorch's CPU loops (long and odd-sized lattices, so every vector width and tail runs), and its
/// argument checks, edge cases and allocations.
/// </summary>
public class CtcTests
{
    // ---------------------------------------------------------------- the PyTorch fixture

    public static TheoryData<string> FixtureCases()
    {
        var data = new TheoryData<string>();
        foreach (string id in Fixture.Cases.Keys) data.Add(id);
        return data;
    }

    /// <summary>
    /// Each sample's loss and gradient. reduction "none" compares the per-sample losses; "sum" and "mean" compare the
    /// reduced loss (mean divides by the target length clamped to 1, then by N) and use the matching per-sample adjoint
    /// (times grad_output when given). zero_infinity: an infinite loss counts as 0 and its gradient is taken with adjoint 0.
    /// </summary>
    [Theory]
    [MemberData(nameof(FixtureCases))]
    public void MatchesPyTorch(string id)
    {
        Fixture.Case c = Fixture.Cases[id];
        if (c.IsFloat) Check<float>(c);
        else Check<double>(c);
    }

    private static void Check<T>(Fixture.Case c) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int n = c.Samples.Length;
        double reduced = 0;
        for (int b = 0; b < n; b++)
        {
            Fixture.Sample s = c.Samples[b];
            T[] lp = Array.ConvertAll(s.LogProbs, T.CreateTruncating);
            T nllT = Ctc.NegativeLogLikelihood<T>(lp, s.Targets, T.CreateTruncating(s.InputLength), T.CreateTruncating(s.TargetLength),
                T.CreateTruncating(c.Blank), T.CreateTruncating(c.Classes));
            double nll = double.CreateTruncating(nllT);
            bool zeroed = c.ZeroInfinity && double.IsPositiveInfinity(nll);
            double loss = zeroed ? 0 : nll;
            int clamped = System.Math.Max(s.TargetLength, 1);
            double adjoint = c.Reduction switch
            {
                "none" => c.GradOutput?[b] ?? 1,
                "sum" => c.GradOutput?[0] ?? 1,
                _ => (c.GradOutput?[0] ?? 1) / n / clamped,
            };
            if (zeroed) adjoint = 0;
            reduced += c.Reduction == "mean" ? loss / clamped : loss;
            if (c.Reduction == "none") AssertClose<T>(c.ExpectedLoss[b], loss, $"{c.Id} loss[{b}]");

            if (c.ExpectedGrad is null) continue;
            var grad = new T[lp.Length];
            Ctc.Gradient<T>(lp, s.Targets, T.CreateTruncating(s.InputLength), T.CreateTruncating(s.TargetLength),
                T.CreateTruncating(c.Blank), T.CreateTruncating(c.Classes), T.CreateTruncating(adjoint), grad);
            double[] expected = c.ExpectedGrad[b];
            for (int i = 0; i < grad.Length; i++)
                AssertClose<T>(expected[i], double.CreateTruncating(grad[i]), $"{c.Id} grad[sample {b}, t {i / c.Classes}, c {i % c.Classes}]");
        }
        if (c.Reduction == "sum") AssertClose<T>(c.ExpectedLoss[0], reduced, $"{c.Id} loss");
        if (c.Reduction == "mean") AssertClose<T>(c.ExpectedLoss[0], reduced / n, $"{c.Id} loss");
    }

    /// <summary>The fixture has every kind of case the reference accepts: check that they were all found.</summary>
    [Fact]
    public void FixtureCoversTheEdgeCases()
    {
        var cases = Fixture.Cases.Values.ToArray();
        Assert.True(cases.Length >= 60);
        Assert.Contains(cases, c => c.Blank != 0);
        Assert.Contains(cases, c => c.IsFloat);
        Assert.Contains(cases, c => c.GradOutput is not null);
        Assert.Contains(cases, c => c.Samples.Any(s => s.TargetLength == 0));
        Assert.Contains(cases, c => c.Samples.Any(s => s.InputLength < s.LogProbs.Length / c.Classes));
        Assert.Contains(cases, c => !c.ZeroInfinity && c.ExpectedLoss.Any(double.IsPositiveInfinity));
        Assert.Contains(cases, c => c.ZeroInfinity && c.ExpectedGrad is not null && c.Reduction == "none" && c.ExpectedLoss.Contains(0.0));
    }

    // ---------------------------------------------------------------- argument checks

    private const int BaseClasses = 5, BaseFrames = 6;

    public static TheoryData<string, double> BadArguments() => new()
    {
        { "classes", 0 }, { "classes", -5 }, { "classes", 2.5 }, { "classes", double.NaN }, { "classes", double.PositiveInfinity }, { "classes", 7 },
        { "blank", -1 }, { "blank", 5 }, { "blank", 0.5 }, { "blank", double.NaN },
        { "inputLength", -1 }, { "inputLength", 7 }, { "inputLength", 2.5 }, { "inputLength", double.PositiveInfinity },
        { "targetLength", -1 }, { "targetLength", 4 }, { "targetLength", 1.5 }, { "targetLength", double.NaN },
        { "targets", -1 }, { "targets", 5 }, { "targets", int.MinValue },
    };

    // A valid call (T = 6, C = 5, labels 1 2 3, blank 0) with one argument replaced.
    private static void CallWith<T>(string name, double value, bool gradient) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] lp = RandomLogProbs<T>(new Random(1), BaseFrames, BaseClasses, impossible: 0);
        int[] targets = [1, 2, 3];
        T Arg(string arg, double normal) => T.CreateTruncating(arg == name ? value : normal);
        if (name == "targets") targets[1] = (int)value;
        T inputLength = Arg("inputLength", BaseFrames), targetLength = Arg("targetLength", 3), blank = Arg("blank", 0), classes = Arg("classes", BaseClasses);
        if (gradient) Ctc.Gradient<T>(lp, targets, inputLength, targetLength, blank, classes, T.One, new T[lp.Length]);
        else Ctc.NegativeLogLikelihood<T>(lp, targets, inputLength, targetLength, blank, classes);
    }

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void BadArgument_Throws(string name, double value)
    {
        Assert.Equal(name, Assert.Throws<ArgumentException>(() => CallWith<double>(name, value, gradient: false)).ParamName);
        Assert.Equal(name, Assert.Throws<ArgumentException>(() => CallWith<float>(name, value, gradient: false)).ParamName);
        Assert.Equal(name, Assert.Throws<ArgumentException>(() => CallWith<double>(name, value, gradient: true)).ParamName);
        Assert.Equal(name, Assert.Throws<ArgumentException>(() => CallWith<float>(name, value, gradient: true)).ParamName);
    }

    [Fact]
    public void ValidArguments_DoNotThrow()
    {
        CallWith<double>("none", 0, gradient: false);
        CallWith<float>("none", 0, gradient: true);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(-30)]
    public void GradientOfWrongLength_Throws(int delta)
    {
        double[] lp = RandomLogProbs<double>(new Random(2), BaseFrames, BaseClasses, impossible: 0);
        var e = Assert.Throws<ArgumentException>(() =>
            Ctc.Gradient<double>(lp, [1, 2], BaseFrames, 2.0, 0.0, BaseClasses, 1.0, new double[lp.Length + delta]));
        Assert.Equal("logProbsGrad", e.ParamName);
    }

    [Fact]
    public void GradientOverlappingLogProbs_Throws()
    {
        double[] buffer = RandomLogProbs<double>(new Random(3), 2 * BaseFrames, BaseClasses, impossible: 0);
        int half = BaseFrames * BaseClasses;
        var e = Assert.Throws<ArgumentException>(() =>
            Ctc.Gradient<double>(buffer.AsSpan(0, half), [1, 2], BaseFrames, 2.0, 0.0, BaseClasses, 1.0, buffer.AsSpan(half / 2, half)));
        Assert.Equal("logProbsGrad", e.ParamName);
    }

    /// <summary>Only the first targetLength labels are used: the padding may hold anything, even out-of-range values.</summary>
    [Fact]
    public void PaddingBeyondTargetLength_IsIgnored()
    {
        double[] lp = RandomLogProbs<double>(new Random(4), BaseFrames, BaseClasses, impossible: 0);
        double padded = Ctc.NegativeLogLikelihood<double>(lp, [1, 2, -7, 99], BaseFrames, 2.0, 0.0, BaseClasses);
        double exact = Ctc.NegativeLogLikelihood<double>(lp, [1, 2], BaseFrames, 2.0, 0.0, BaseClasses);
        Assert.Equal(exact, padded);
    }

    // ---------------------------------------------------------------- edge cases

    [Fact]
    public void AdjointZero_AddsNothing_EvenWhenInfeasible()
    {
        double[] lp = RandomLogProbs<double>(new Random(5), 4, BaseClasses, impossible: 0);
        int[] targets = [1, 1, 1]; // needs 5 frames (1 blank 1 blank 1): infeasible in 4
        Assert.Equal(double.PositiveInfinity, Ctc.NegativeLogLikelihood<double>(lp, targets, 4.0, 3.0, 0.0, BaseClasses));
        var grad = Enumerable.Repeat(7.0, lp.Length).ToArray();
        Ctc.Gradient<double>(lp, targets, 4.0, 3.0, 0.0, BaseClasses, 0.0, grad);
        Ctc.Gradient<double>(lp, targets, 4.0, 3.0, 0.0, BaseClasses, -0.0, grad);
        Assert.All(grad, g => Assert.Equal(7.0, g));

        float[] lpf = Array.ConvertAll(lp, v => (float)v);
        var gradf = Enumerable.Repeat(7f, lp.Length).ToArray();
        Ctc.Gradient<float>(lpf, targets, 4f, 3f, 0f, BaseClasses, 0f, gradf);
        Assert.All(gradf, g => Assert.Equal(7f, g));
    }

    /// <summary>Infeasible, adjoint != 0: NaN for every frame below inputLength (as PyTorch), nothing beyond.</summary>
    [Fact]
    public void Infeasible_GivesInfinityAndNaNGradient()
    {
        double[] lp = RandomLogProbs<double>(new Random(6), 8, BaseClasses, impossible: 0);
        int[] targets = [2, 2, 3, 3];
        Assert.Equal(double.PositiveInfinity, Ctc.NegativeLogLikelihood<double>(lp, targets, 5.0, 4.0, 1.0, BaseClasses)); // 2 _ 2 3 _ 3: 6 frames
        Assert.True(double.IsFinite(Ctc.NegativeLogLikelihood<double>(lp, targets, 6.0, 4.0, 1.0, BaseClasses)));
        var grad = new double[lp.Length];
        Ctc.Gradient<double>(lp, targets, 5.0, 4.0, 1.0, BaseClasses, 0.5, grad);
        for (int i = 0; i < grad.Length; i++)
        {
            if (i < 5 * BaseClasses) Assert.True(double.IsNaN(grad[i]), $"grad[{i}] = {grad[i]}");
            else Assert.Equal(0.0, grad[i]);
        }
    }

    [Fact]
    public void NoFrames()
    {
        double[] lp = RandomLogProbs<double>(new Random(7), 3, BaseClasses, impossible: 0);
        Assert.Equal(0.0, Ctc.NegativeLogLikelihood<double>(lp, [], 0.0, 0.0, 0.0, BaseClasses));
        Assert.Equal(double.PositiveInfinity, Ctc.NegativeLogLikelihood<double>(lp, [1], 0.0, 1.0, 0.0, BaseClasses));
        Assert.Equal(0f, Ctc.NegativeLogLikelihood<float>([], [], 0f, 0f, 0f, 4f)); // no frames at all (T_max = 0)
        var grad = new double[lp.Length];
        Ctc.Gradient<double>(lp, [1], 0.0, 1.0, 0.0, BaseClasses, 1.0, grad);
        Assert.All(grad, g => Assert.Equal(0.0, g));
    }

    /// <summary>With no labels the only path is all blanks: nll = -sum of lp[t, blank]; the gradient is e^lp - [c = blank].</summary>
    [Fact]
    public void NoLabels_IsAllBlanks()
    {
        const int frames = 9, blank = 3;
        double[] lp = RandomLogProbs<double>(new Random(8), frames, BaseClasses, impossible: 0);
        double expected = 0;
        for (int t = 0; t < 7; t++) expected -= lp[t * BaseClasses + blank];
        Assert.Equal(expected, Ctc.NegativeLogLikelihood<double>(lp, [], 7.0, 0.0, blank, BaseClasses), 1e-12);
        var grad = new double[lp.Length];
        Ctc.Gradient<double>(lp, [], 7.0, 0.0, blank, BaseClasses, 1.0, grad);
        for (int i = 0; i < grad.Length; i++)
        {
            double want = i < 7 * BaseClasses ? System.Math.Exp(lp[i]) - (i % BaseClasses == blank ? 1 : 0) : 0;
            Assert.Equal(want, grad[i], 1e-12);
        }
    }

    /// <summary>A NaN log-probability on a path makes the loss NaN, and every gradient entry of those frames NaN.</summary>
    [Fact]
    public void NaN_Propagates()
    {
        double[] lp = RandomLogProbs<double>(new Random(18), 10, BaseClasses, impossible: 0);
        lp[4 * BaseClasses + 2] = double.NaN;
        Assert.True(double.IsNaN(Ctc.NegativeLogLikelihood<double>(lp, [1, 2, 3], 10.0, 3.0, 0.0, BaseClasses)));
        var grad = new double[lp.Length];
        Ctc.Gradient<double>(lp, [1, 2, 3], 9.0, 3.0, 0.0, BaseClasses, 1.0, grad);
        for (int i = 0; i < grad.Length; i++)
            Assert.True(i < 9 * BaseClasses ? double.IsNaN(grad[i]) : grad[i] == 0, $"grad[{i}] = {grad[i]}");
    }

    [Fact]
    public void OtherFloatingPointTypes_AreNotSupported()
    {
        Assert.Throws<NotSupportedException>(() => Ctc.NegativeLogLikelihood<Half>(new Half[4], [], (Half)1, (Half)0, (Half)0, (Half)4));
    }

    /// <summary>The gradient adds into the buffer (it does not overwrite), scaled by the adjoint.</summary>
    [Fact]
    public void Gradient_Accumulates()
    {
        double[] lp = RandomLogProbs<double>(new Random(9), 10, BaseClasses, impossible: 0);
        int[] targets = [1, 4, 4, 2];
        var once = new double[lp.Length];
        Ctc.Gradient<double>(lp, targets, 10.0, 4.0, 0.0, BaseClasses, 1.0, once);
        var twice = Enumerable.Repeat(1.0, lp.Length).ToArray();
        Ctc.Gradient<double>(lp, targets, 10.0, 4.0, 0.0, BaseClasses, 0.75, twice);
        Ctc.Gradient<double>(lp, targets, 10.0, 4.0, 0.0, BaseClasses, 1.25, twice);
        for (int i = 0; i < lp.Length; i++) Assert.Equal(1 + 2 * once[i], twice[i], 1e-12);
    }

    // ---------------------------------------------------------------- against the scalar reference

    /// <summary>float and double agree to float's tolerance on the same data (exactly representable in float).</summary>
    [Fact]
    public void FloatAndDoubleAgree()
    {
        var rng = new Random(10);
        const int frames = 50, classes = 12;
        float[] lpf = RandomLogProbs<float>(rng, frames, classes, impossible: 0);
        double[] lpd = Array.ConvertAll(lpf, v => (double)v);
        int[] targets = RandomTargets(rng, 15, classes, blank: 0);
        float nf = Ctc.NegativeLogLikelihood<float>(lpf, targets, 47f, 15f, 0f, classes);
        double nd = Ctc.NegativeLogLikelihood<double>(lpd, targets, 47.0, 15.0, 0.0, classes);
        AssertClose<float>(nd, nf, "nll");
        var gf = new float[lpf.Length];
        var gd = new double[lpd.Length];
        Ctc.Gradient<float>(lpf, targets, 47f, 15f, 0f, classes, 1f, gf);
        Ctc.Gradient<double>(lpd, targets, 47.0, 15.0, 0.0, classes, 1.0, gd);
        for (int i = 0; i < gd.Length; i++) AssertClose<float>(gd[i], gf[i], $"grad[{i}]");
    }

    /// <summary>A long lattice (T = 200, C = 30, S = 40; 81 states, several vectors and a tail at every width) against plain loops.</summary>
    [Theory]
    [InlineData(11, 0)]
    [InlineData(12, 7)]
    [InlineData(13, 29)]
    public void LongSequence_MatchesScalarReference(int seed, int blank)
    {
        var rng = new Random(seed);
        const int frames = 200, classes = 30, labels = 40;
        double[] lp = RandomLogProbs<double>(rng, frames, classes, impossible: 0);
        int[] targets = RandomTargets(rng, labels, classes, blank);
        Assert.True(double.IsFinite(CompareWithReference<double>(lp, targets, 190, labels, blank, classes, adjoint: 1.5)));
        CompareWithReference<float>(lp, targets, 190, labels, blank, classes, adjoint: 1.5);
    }

    /// <summary>Every lattice width from 1 to 51 states (each combination of vector widths and scalar tail), varied lengths.</summary>
    [Fact]
    public void EveryLatticeWidth_MatchesScalarReference()
    {
        var rng = new Random(14);
        const int classes = 7;
        for (int labels = 0; labels <= 25; labels++)
        {
            int frames = 2 * labels + 3;
            double[] lp = RandomLogProbs<double>(rng, frames + 2, classes, impossible: 0);
            int blank = rng.Next(classes);
            int[] targets = RandomTargets(rng, labels, classes, blank);
            int inputLength = System.Math.Max(1, frames - rng.Next(3));
            CompareWithReference<double>(lp, targets, inputLength, labels, blank, classes, adjoint: -0.5);
            CompareWithReference<float>(lp, targets, inputLength, labels, blank, classes, adjoint: -0.5);
        }
    }

    /// <summary>
    /// -inf log-probabilities (classes that cannot occur: PyTorch's gradient there is e^-inf - e^(-inf + nll + inf) = NaN)
    /// and labels equal to the blank (PyTorch assigns rather than log-adds the last frame's two entries): both as the
    /// scalar transcription of PyTorch's loops gives them.
    /// </summary>
    [Theory]
    [InlineData(15)]
    [InlineData(16)]
    public void Degenerate_MatchesScalarReference(int seed)
    {
        var rng = new Random(seed);
        const int frames = 40, classes = 9, labels = 12, blank = 4;
        double[] lp = RandomLogProbs<double>(rng, frames, classes, impossible: 2, keep: blank);
        int[] targets = RandomTargets(rng, labels, classes, blank: -1); // may contain the blank
        targets[labels - 1] = blank;
        targets[3] = blank;
        Assert.True(double.IsFinite(CompareWithReference<double>(lp, targets, frames, labels, blank, classes, adjoint: 1)));
        CompareWithReference<float>(lp, targets, frames, labels, blank, classes, adjoint: 1);
    }

    // Returns the reference nll.
    private static double CompareWithReference<T>(double[] lpd, int[] targets, int inputLength, int labels, int blank, int classes, double adjoint)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T[] lp = Array.ConvertAll(lpd, T.CreateTruncating);
        double[] lpRounded = Array.ConvertAll(lp, double.CreateTruncating);
        double nll = Reference.NegativeLogLikelihood(lpRounded, targets, inputLength, labels, blank, classes, out double[,] alpha);
        double[] grad = Reference.Gradient(lpRounded, targets, inputLength, labels, blank, classes, adjoint, nll, alpha);

        string what = $"{typeof(T).Name} S={labels} T={inputLength} blank={blank}";
        // The posterior e^(lcab + nll - lp) cancels two numbers of about |nll|: T's rounding there, a few ulps of nll,
        // is an absolute error of the gradient that grows with the lattice (for float, T = 190 and nll ~ 580 it is
        // ~2e-4 here, and the same for PyTorch-style float loops), beyond the fixed tolerance meant for small cases.
        double ulp = typeof(T) == typeof(float) ? 1.0 / (1 << 24) : 1.0 / (1L << 53);
        double conditioning = double.IsFinite(nll) ? 16 * ulp * System.Math.Abs(nll * adjoint) : 0;
        T actual = Ctc.NegativeLogLikelihood<T>(lp, targets, T.CreateTruncating(inputLength), T.CreateTruncating(labels), T.CreateTruncating(blank), T.CreateTruncating(classes));
        AssertClose<T>(nll, double.CreateTruncating(actual), $"{what} nll");
        var g = new T[lp.Length];
        Ctc.Gradient<T>(lp, targets, T.CreateTruncating(inputLength), T.CreateTruncating(labels), T.CreateTruncating(blank), T.CreateTruncating(classes), T.CreateTruncating(adjoint), g);
        for (int i = 0; i < g.Length; i++) AssertClose<T>(grad[i], double.CreateTruncating(g[i]), $"{what} grad[t {i / classes}, c {i % classes}]", conditioning);
        return nll;
    }

    // ---------------------------------------------------------------- the fused method

    /// <summary>
    /// NegativeLogLikelihoodWithGradient (alpha and beta once) against the two methods (alpha twice), bit for bit: the
    /// value, and the gradient written over a row of garbage (frames from inputLength on become 0), for feasible,
    /// infeasible (+inf, NaN gradient), no-frame and -inf-probability samples, every lattice width, float and double.
    /// </summary>
    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void Fused_EqualsValueAndGradient_BitForBit(int seed)
    {
        var rng = new Random(seed);
        const int classes = 9;
        for (int labels = 0; labels <= 12; labels++)
        {
            int frames = 2 * labels + 4;
            double[] lp = RandomLogProbs<double>(rng, frames, classes, impossible: labels % 3 == 0 ? 2 : 0);
            int blank = rng.Next(classes);
            int[] targets = RandomTargets(rng, labels, classes, blank);
            // a short input (infeasible when below the labels and their separating blanks), none, and the whole
            foreach (int inputLength in new[] { frames, frames - 3, labels / 2, 0 })
            {
                Same<double>(lp, targets, inputLength, labels, blank, classes);
                Same<float>(Array.ConvertAll(lp, v => (float)v), targets, inputLength, labels, blank, classes);
            }
        }

        static void Same<T>(T[] lp, int[] targets, int inputLength, int labels, int blank, int classes) where T : unmanaged, IBinaryFloatingPointIeee754<T>
        {
            T length = T.CreateTruncating(inputLength), s = T.CreateTruncating(labels), b = T.CreateTruncating(blank), c = T.CreateTruncating(classes);
            var separate = new T[lp.Length];
            T value = Ctc.NegativeLogLikelihood<T>(lp, targets, length, s, b, c);
            Ctc.Gradient<T>(lp, targets, length, s, b, c, T.One, separate);
            var fused = Enumerable.Repeat(T.CreateTruncating(12345.0), lp.Length).ToArray();
            T together = Ctc.NegativeLogLikelihoodWithGradient<T>(lp, targets, length, s, b, c, fused);
            Assert.Equal(double.CreateTruncating(value), double.CreateTruncating(together));
            for (int i = 0; i < lp.Length; i++)
                Assert.Equal(double.CreateTruncating(separate[i]), double.CreateTruncating(fused[i]));
        }
    }

    // ---------------------------------------------------------------- allocations

    /// <summary>Scratch is on the stack (small lattices) or rented and returned (large): a second call allocates nothing.</summary>
    [Fact]
    public void Calls_AllocateNothing()
    {
        var rng = new Random(17);
        double[] small = RandomLogProbs<double>(rng, 12, 6, impossible: 0);
        double[] large = RandomLogProbs<double>(rng, 200, 30, impossible: 0);
        float[] smallF = Array.ConvertAll(small, v => (float)v), largeF = Array.ConvertAll(large, v => (float)v);
        int[] targets = RandomTargets(rng, 40, 6, blank: 0);
        double[] gs = new double[small.Length], gl = new double[large.Length];
        float[] gsF = new float[small.Length], glF = new float[large.Length];
        double sink = 0;
        void Work()
        {
            sink += Ctc.NegativeLogLikelihood<double>(small, targets, 12.0, 4.0, 0.0, 6.0);
            sink += Ctc.NegativeLogLikelihood<double>(large, targets, 200.0, 40.0, 0.0, 30.0);
            sink += Ctc.NegativeLogLikelihood<float>(smallF, targets, 12f, 4f, 0f, 6f);
            sink += Ctc.NegativeLogLikelihood<float>(largeF, targets, 200f, 40f, 0f, 30f);
            Ctc.Gradient<double>(small, targets, 12.0, 4.0, 0.0, 6.0, 1.0, gs);
            Ctc.Gradient<double>(large, targets, 200.0, 40.0, 0.0, 30.0, 1.0, gl);
            Ctc.Gradient<float>(smallF, targets, 12f, 4f, 0f, 6f, 1f, gsF);
            Ctc.Gradient<float>(largeF, targets, 200f, 40f, 0f, 30f, 1f, glF);
            sink += Ctc.NegativeLogLikelihoodWithGradient<double>(large, targets, 200.0, 40.0, 0.0, 30.0, gl);
            sink += Ctc.NegativeLogLikelihoodWithGradient<float>(smallF, targets, 12f, 4f, 0f, 6f, gsF);
        }
        Work();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Work();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(double.IsFinite(sink));
    }

    // ---------------------------------------------------------------- helpers

    /// <summary>
    /// |actual - expected| &lt;= 1e-5 + 1e-4 |expected| (float) or 1e-9 + 1e-7 |expected| (double), plus
    /// <paramref name="extra"/>; NaN and infinities exactly.
    /// </summary>
    private static void AssertClose<T>(double expected, double actual, string what, double extra = 0)
    {
        bool isFloat = typeof(T) == typeof(float);
        if (double.IsNaN(expected) || double.IsInfinity(expected))
        {
            Assert.True(expected.Equals(actual), $"{what}: expected {expected}, got {actual}");
            return;
        }
        double tolerance = (isFloat ? 1e-5 + 1e-4 * System.Math.Abs(expected) : 1e-9 + 1e-7 * System.Math.Abs(expected)) + extra;
        Assert.True(System.Math.Abs(actual - expected) <= tolerance, $"{what}: expected {expected:R}, got {actual:R} (difference {actual - expected:E3}, tolerance {tolerance:E3})");
    }

    /// <summary>
    /// Log-softmax of U(-3, 3) logits, rounded to T; <paramref name="impossible"/> random classes per frame, other than
    /// <paramref name="keep"/>, get -inf.
    /// </summary>
    private static T[] RandomLogProbs<T>(Random rng, int frames, int classes, int impossible, int keep = -1) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var lp = new T[frames * classes];
        var row = new double[classes];
        for (int t = 0; t < frames; t++)
        {
            for (int c = 0; c < classes; c++) row[c] = 6 * rng.NextDouble() - 3;
            for (int k = 0; k < impossible; k++)
            {
                int c = rng.Next(classes);
                if (c != keep) row[c] = double.NegativeInfinity;
            }
            double max = row.Max(), sum = 0;
            foreach (double v in row) sum += System.Math.Exp(v - max);
            for (int c = 0; c < classes; c++) lp[t * classes + c] = T.CreateTruncating(row[c] - max - System.Math.Log(sum));
        }
        return lp;
    }

    /// <summary>Labels in [0, classes) other than <paramref name="blank"/>, with runs of repeats (so both skip rules occur).</summary>
    private static int[] RandomTargets(Random rng, int length, int classes, int blank)
    {
        var targets = new int[length];
        for (int i = 0; i < length; i++)
        {
            if (i > 0 && rng.Next(4) == 0) { targets[i] = targets[i - 1]; continue; }
            int label;
            do label = rng.Next(classes); while (label == blank);
            targets[i] = label;
        }
        return targets;
    }

    /// <summary>
    /// PyTorch 1.13's CPU loops (ctc_loss_cpu_template, ctc_loss_backward_cpu_template) for one sample, transcribed
    /// with plain scalar double arithmetic: full alpha and beta tables, the per-class collection "log+=" in PyTorch's
    /// order (the last frame's two entries assigned), and the final exp(lp) - exp(lcab + nll - lp).
    /// </summary>
    private static class Reference
    {
        private const double NegInf = double.NegativeInfinity;

        private static int Prime(int[] targets, int s, int blank) => s % 2 == 0 ? blank : targets[s / 2];

        public static double NegativeLogLikelihood(double[] lp, int[] targets, int frames, int labels, int blank, int classes, out double[,] alpha)
        {
            int states = 2 * labels + 1;
            alpha = new double[System.Math.Max(frames, 1), states];
            for (int t = 0; t < alpha.GetLength(0); t++)
                for (int s = 0; s < states; s++) alpha[t, s] = NegInf;
            if (frames == 0) return labels == 0 ? 0 : double.PositiveInfinity;

            alpha[0, 0] = lp[blank];
            if (labels > 0) alpha[0, 1] = lp[Prime(targets, 1, blank)];
            for (int t = 1; t < frames; t++)
            {
                for (int s = 0; s < states; s++)
                {
                    int current = Prime(targets, s, blank);
                    double la1 = alpha[t - 1, s], lamax = la1, la2, la3;
                    if (s > 0)
                    {
                        la2 = alpha[t - 1, s - 1];
                        if (la2 > lamax) lamax = la2;
                    }
                    else la2 = NegInf;
                    if (s > 1 && Prime(targets, s - 2, blank) != current)
                    {
                        la3 = alpha[t - 1, s - 2];
                        if (la3 > lamax) lamax = la3;
                    }
                    else la3 = NegInf;
                    if (lamax == NegInf) lamax = 0;
                    alpha[t, s] = System.Math.Log(System.Math.Exp(la1 - lamax) + System.Math.Exp(la2 - lamax) + System.Math.Exp(la3 - lamax)) + lamax
                        + lp[t * classes + current];
                }
            }
            if (labels == 0) return -alpha[frames - 1, 0];
            double l1 = alpha[frames - 1, 2 * labels], l2 = alpha[frames - 1, 2 * labels - 1];
            double m = System.Math.Max(l1, l2);
            if (m == NegInf) m = 0;
            return -(System.Math.Log(System.Math.Exp(l1 - m) + System.Math.Exp(l2 - m)) + m);
        }

        public static double[] Gradient(double[] lp, int[] targets, int frames, int labels, int blank, int classes, double adjoint, double nll, double[,] alpha)
        {
            var grad = new double[lp.Length]; // frames >= inputLength stay 0
            if (frames == 0) return grad;
            int states = 2 * labels + 1;
            var lcab = new double[frames, classes];
            for (int t = 0; t < frames; t++)
                for (int c = 0; c < classes; c++) lcab[t, c] = NegInf;
            var beta = new double[frames, states];
            for (int t = 0; t < frames; t++)
                for (int s = 0; s < states; s++) beta[t, s] = NegInf;

            int last = frames - 1;
            beta[last, 2 * labels] = lp[last * classes + blank];
            lcab[last, blank] = alpha[last, 2 * labels] + beta[last, 2 * labels];
            if (labels > 0)
            {
                int current = Prime(targets, 2 * labels - 1, blank);
                beta[last, 2 * labels - 1] = lp[last * classes + current];
                lcab[last, current] = alpha[last, 2 * labels - 1] + beta[last, 2 * labels - 1];
            }
            for (int t = frames - 2; t >= 0; t--)
            {
                for (int s = 2 * labels; s >= 0; s--)
                {
                    int current = Prime(targets, s, blank);
                    double lb1 = beta[t + 1, s], lbmax = lb1, lb2, lb3;
                    if (s < 2 * labels)
                    {
                        lb2 = beta[t + 1, s + 1];
                        if (lb2 > lbmax) lbmax = lb2;
                    }
                    else lb2 = NegInf;
                    if (s < 2 * labels - 1 && Prime(targets, s + 2, blank) != current)
                    {
                        lb3 = beta[t + 1, s + 2];
                        if (lb3 > lbmax) lbmax = lb3;
                    }
                    else lb3 = NegInf;
                    if (lbmax == NegInf) lbmax = 0;
                    beta[t, s] = System.Math.Log(System.Math.Exp(lb1 - lbmax) + System.Math.Exp(lb2 - lbmax) + System.Math.Exp(lb3 - lbmax)) + lbmax
                        + lp[t * classes + current];

                    double logAlphaBeta = alpha[t, s] + beta[t, s];
                    ref double l = ref lcab[t, current];
                    if (l == NegInf) l = logAlphaBeta;
                    else
                    {
                        double max = System.Math.Max(l, logAlphaBeta);
                        l = System.Math.Log(System.Math.Exp(l - max) + System.Math.Exp(logAlphaBeta - max)) + max;
                    }
                }
            }
            for (int t = 0; t < frames; t++)
                for (int c = 0; c < classes; c++)
                {
                    double v = lp[t * classes + c];
                    grad[t * classes + c] = (System.Math.Exp(v) - System.Math.Exp(lcab[t, c] + nll - v)) * adjoint;
                }
            return grad;
        }
    }

    /// <summary>tests/fixtures/ctc_loss.jsonl, split into samples (log_probs transposed from (T, N, C) to one (T, C) block each).</summary>
    private static class Fixture
    {
        public sealed record Sample(double[] LogProbs, int[] Targets, int InputLength, int TargetLength);

        public sealed record Case(string Id, bool IsFloat, string Reduction, int Blank, bool ZeroInfinity, int Classes, Sample[] Samples,
            double[]? GradOutput, double[] ExpectedLoss, double[][]? ExpectedGrad);

        public static readonly Dictionary<string, Case> Cases = Load();

        private static Dictionary<string, Case> Load()
        {
            var cases = new Dictionary<string, Case>();
            string path = Path.Combine(AppContext.BaseDirectory, "fixtures", "ctc_loss.jsonl");
            foreach (string line in File.ReadLines(path))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                using var doc = JsonDocument.Parse(line);
                JsonElement c = doc.RootElement.GetProperty("case"), expected = doc.RootElement.GetProperty("expected");
                if (expected.TryGetProperty("error", out _)) continue;
                JsonElement options = c.GetProperty("options"), inputs = c.GetProperty("inputs");

                int[] shape = Ints(inputs.GetProperty("log_probs").GetProperty("shape"));
                double[] data = Numbers(inputs.GetProperty("log_probs").GetProperty("data"));
                bool batched = shape.Length == 3;
                int frames = shape[0], n = batched ? shape[1] : 1, classes = shape[^1];
                int[] inputLengths = Ints(inputs.GetProperty("input_lengths").GetProperty("data"));
                int[] targetLengths = Ints(inputs.GetProperty("target_lengths").GetProperty("data"));
                JsonElement targetsElement = inputs.GetProperty("targets");
                int[] targetShape = Ints(targetsElement.GetProperty("shape"));
                int[] targetData = Ints(targetsElement.GetProperty("data"));

                var samples = new Sample[n];
                int offset = 0;
                for (int b = 0; b < n; b++)
                {
                    int[] targets;
                    if (batched && targetShape.Length == 2) targets = targetData.AsSpan(b * targetShape[1], targetShape[1]).ToArray(); // padded (N, S)
                    else if (batched) targets = targetData.AsSpan(offset, targetLengths[b]).ToArray();                             // concatenated
                    else targets = targetData;                                                                                       // unbatched (S)
                    offset += targetLengths[b];
                    samples[b] = new Sample(Transpose(data, frames, n, classes, b), targets, inputLengths[b], targetLengths[b]);
                }

                double[][]? expectedGrad = null;
                if (expected.TryGetProperty("grad", out JsonElement grad) && grad.TryGetProperty("log_probs", out JsonElement gradLp))
                {
                    double[] g = Numbers(gradLp.GetProperty("data"));
                    expectedGrad = Enumerable.Range(0, n).Select(b => Transpose(g, frames, n, classes, b)).ToArray();
                }
                double[]? gradOutput = c.TryGetProperty("grad_output", out JsonElement go) && go.ValueKind == JsonValueKind.Object
                    ? Numbers(go.GetProperty("data")) : null;
                string id = c.GetProperty("id").GetString()!;
                cases[id] = new Case(
                    id,
                    c.GetProperty("dtype").GetString() == "float32",
                    options.GetProperty("reduction").GetString()!,
                    options.TryGetProperty("blank", out JsonElement blank) ? blank.GetInt32() : 0,
                    options.TryGetProperty("zero_infinity", out JsonElement zi) && zi.GetBoolean(),
                    classes,
                    samples,
                    gradOutput,
                    Numbers(expected.GetProperty("loss").GetProperty("data")),
                    expectedGrad);
            }
            return cases;
        }

        // Sample b of a (T, N, C) tensor as a (T, C) block.
        private static double[] Transpose(double[] data, int frames, int n, int classes, int b)
        {
            var block = new double[frames * classes];
            for (int t = 0; t < frames; t++)
                Array.Copy(data, (t * n + b) * classes, block, t * classes, classes);
            return block;
        }

        private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

        private static double[] Numbers(JsonElement array) => array.EnumerateArray()
            .Select(e => e.ValueKind == JsonValueKind.String ? double.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetDouble())
            .ToArray();
    }
}
