using System;
using System.Linq;
using System.Numerics;
using System.Reflection;

using LossDsl.Losses;

namespace LossDsl.Benchmarks;

/// <summary>--check: every baseline computes the same loss and input gradient as the generated kernel (so the timings compare like with like).</summary>
public static class Check
{
    public static int Run()
    {
        int bad = 0;
        bad += Run<float>(new F32(), 1e-3);
        bad += Run<double>(new F64(), 1e-9);
        bad += CrossEntropy(1_000, 1e-4);
        bad += CrossEntropy(32_000, 1e-4);
        bad += CtcTwoCalls("50x16x20x10", 1e-4);
        bad += MseStreamed(1_000_003, 1e-4);
        bad += MseNone(4_099, 1e-6);
        Console.WriteLine(bad == 0 ? "check: all baselines agree with the generated kernels" : $"check: {bad} mismatches");
        return bad == 0 ? 0 : 1;
    }

    /// <summary>The streamed hand-written mse loops of the ceiling table (every width) compute the generated kernel's value and gradient (an odd length: the scalar head and tail run).</summary>
    private static int MseStreamed(int n, double tol)
    {
        var r = new Random(7);
        var x = new float[n];
        var y = new float[n];
        for (int i = 0; i < n; i++) { x[i] = r.NextSingle() * 6 - 3; y[i] = r.NextSingle() * 6 - 3; }
        var genGrad = new float[n];
        float gen = MseLoss.ForwardBackward(x, y, genGrad, default);
        double gMax = genGrad.Max(v => Math.Abs((double)v));
        int bad = 0;
        foreach (var (name, f) in new (string, Func<float[], float[], float[], float>)[]
            { ("Fused.MseFBStreamed", Fused<float>.MseFBStreamed), ("Fused256.MseFBStreamed", Fused256<float>.MseFBStreamed), ("Fused128.MseFBStreamed", Fused128<float>.MseFBStreamed) })
        {
            var g = new float[n];
            Array.Fill(g, float.NaN);
            float v = f(x, y, g);
            double gErr = 0;
            for (int i = 0; i < n; i++) gErr = Math.Max(gErr, double.IsNaN(g[i]) ? double.PositiveInfinity : Math.Abs((double)g[i] - genGrad[i]));
            bool ok = Math.Abs(v - gen) <= tol * Math.Max(1, Math.Abs(gen)) && gErr <= tol * gMax;
            Console.WriteLine($"mse {name,-24} n={n,-9} value {v,14:G8} vs {gen,14:G8}  max grad err vs generated {gErr / gMax:E2} (relative to max |grad|) {(ok ? "ok" : "MISMATCH")}");
            bad += ok ? 0 : 1;
        }
        return bad;
    }

    /// <summary>The reduction-'none' hand-written mse loops of the layout table (every width) write the generated kernel's losses and gradient (an odd length: the scalar tail runs).</summary>
    private static int MseNone(int n, double tol)
    {
        var r = new Random(7);
        float[] x = new float[n], y = new float[n], dy = new float[n], genOut = new float[n], genGrad = new float[n];
        for (int i = 0; i < n; i++) { x[i] = r.NextSingle() * 6 - 3; y[i] = r.NextSingle() * 6 - 3; dy[i] = r.NextSingle() * 4 - 2; }
        MseLoss.ForwardBackward(x, y, genOut, dy, genGrad, default);
        int bad = 0;
        foreach (var (name, f) in new (string, Func<float[], float[], float[], float[], float[], float>)[]
            { ("Fused.MseFBNone", Fused<float>.MseFBNone), ("Fused256.MseFBNone", Fused256<float>.MseFBNone), ("Fused128.MseFBNone", Fused128<float>.MseFBNone) })
        {
            float[] o = new float[n], g = new float[n];
            f(x, y, o, dy, g);
            double err = 0;
            for (int i = 0; i < n; i++)
                err = Math.Max(err, Math.Max(Math.Abs((double)o[i] - genOut[i]) / Math.Max(1, Math.Abs(genOut[i])), Math.Abs((double)g[i] - genGrad[i]) / Math.Max(1, Math.Abs(genGrad[i]))));
            bool ok = err <= tol;
            Console.WriteLine($"mse {name,-24} n={n,-9} none: max relative error of losses and gradient vs generated {err:E2} {(ok ? "ok" : "MISMATCH")}");
            bad += ok ? 0 : 1;
        }
        return bad;
    }

    /// <summary>ctc_loss: the two-call baseline of the `ctc` pairs table computes the generated kernel's value and gradient.</summary>
    private static int CtcTwoCalls(string shape, double tol)
    {
        var d = CtcData.Get(shape);
        LossParallel.MaxThreads = 1;
        Array.Fill(d.G32, float.NaN);
        float gen = CtcLoss.ForwardBackward(d.X32, d.Targets, d.InputLengths, d.TargetLengths, d.RowLength, d.G32, classes: d.Classes);
        var genGrad = (float[])d.G32.Clone();
        float two = d.TwoCallsF32();
        double gMax = genGrad.Max(v => Math.Abs((double)v)), gErr = 0;
        for (int i = 0; i < genGrad.Length; i++) gErr = Math.Max(gErr, Math.Abs((double)genGrad[i] - d.G32[i]));
        bool ok = Math.Abs(gen - two) <= tol * Math.Max(1, Math.Abs(gen)) && gErr <= tol * gMax && gMax > 0;
        Console.WriteLine($"CTC {shape,-14} two calls per sample      value {two,14:G8} vs {gen,14:G8}  max grad err vs generated {gErr / gMax:E2} (relative to max |grad|) {(ok ? "ok" : "MISMATCH")}");
        return ok ? 0 : 1;
    }

    /// <summary>cross_entropy, N = 4096 rows of C logits: every baseline against the generated kernel, and all of them against a double-precision reference.</summary>
    private static int CrossEntropy(int c, double tol)
    {
        var b = new CrossEntropyRows { N = 4096, C = c };
        b.Setup();
        var d = CeData.Get(b.N, c);
        // double-precision reference: loss and gradient (softmax - onehot) / N
        int n = b.N;
        double refLoss = 0;
        var refGrad = new double[d.X.Length];
        for (int r = 0; r < n; r++)
        {
            int o = r * c;
            double m = double.NegativeInfinity, s = 0;
            for (int j = 0; j < c; j++) m = Math.Max(m, d.X[o + j]);
            for (int j = 0; j < c; j++) s += Math.Exp(d.X[o + j] - m);
            refLoss += m + Math.Log(s) - d.X[o + d.Target[r]];
            for (int j = 0; j < c; j++) refGrad[o + j] = Math.Exp(d.X[o + j] - m) / s / n;
            refGrad[o + d.Target[r]] -= 1.0 / n;
        }
        refLoss /= n;
        double gMax = refGrad.Max(Math.Abs);
        int bad = 0;
        Array.Fill(d.Grad, float.NaN);
        float genFB = b.Ce_Generated_FB();
        var genGrad = (float[])d.Grad.Clone();
        float genFwd = b.Ce_Generated_Fwd();
        double Err(float[] g) { double e = 0; for (int i = 0; i < g.Length; i++) e = Math.Max(e, Math.Abs(g[i] - refGrad[i])); return e; }
        double GenErr(float[] g) { double e = 0; for (int i = 0; i < g.Length; i++) e = Math.Max(e, Math.Abs((double)g[i] - genGrad[i])); return e; }
        Console.WriteLine($"CE C={c,-6} Ce_Generated_FB          value {genFB,14:G8} vs double reference {refLoss,14:G8}  max grad err vs reference {Err(genGrad) / gMax:E2} (relative to max |grad|)");
        foreach (var (name, fb, f) in new (string, bool, Func<float>)[]
        {
            ("Ce_Generated_Fwd", false, b.Ce_Generated_Fwd), ("Ce_Tp_FB", true, b.Ce_Tp_FB), ("Ce_Tp_Fwd", false, b.Ce_Tp_Fwd),
            ("Ce_Naive_FB", true, b.Ce_Naive_FB), ("Ce_Fused_FB", true, b.Ce_Fused_FB), ("Ce_Fused_Fwd", false, b.Ce_Fused_Fwd),
        })
        {
            Array.Fill(d.Grad, float.NaN);
            double v = f();
            double gErr = fb ? GenErr(d.Grad) : 0;
            bool ok = Math.Abs(v - genFB) <= tol * Math.Max(1, Math.Abs(genFB)) && gErr <= tol * gMax
                && Math.Abs(v - refLoss) <= tol * Math.Max(1, Math.Abs(refLoss)) && (!fb || Err(d.Grad) <= tol * gMax);
            if (!ok) bad++;
            Console.WriteLine($"CE C={c,-6} {name,-24} value {v,14:G8} vs {genFB,14:G8}  max grad err vs generated {gErr / gMax:E2} (relative to max |grad|) {(ok ? "ok" : "MISMATCH")}");
        }
        bool genOk = Math.Abs(genFB - refLoss) <= tol * Math.Max(1, Math.Abs(refLoss)) && Err(genGrad) <= tol * gMax && Math.Abs(genFwd - genFB) <= tol * Math.Max(1, Math.Abs(genFB));
        if (!genOk) { bad++; Console.WriteLine($"CE C={c} generated kernel MISMATCH against the double reference"); }
        return bad;
    }

    private static int Run<T>(LossBenchmarks<T> b, double tol) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        b.N = 4096;
        b.Setup();
        var d = Data<T>.Get(4096);
        int bad = 0;
        var methods = b.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.Name.Contains('_') && !m.Name.StartsWith("Ceiling", StringComparison.Ordinal)).ToList();
        foreach (var gen in methods.Where(m => m.Name.Contains("_Generated_")))
        {
            Array.Clear(d.Grad);
            double refValue = double.CreateTruncating((T)gen.Invoke(b, null)!);
            var refGrad = d.Grad.Select(double.CreateTruncating).ToArray();
            foreach (var other in methods.Where(m => m.Name != gen.Name && m.Name.Replace("_Naive_", "_Generated_").Replace("_Tp_", "_Generated_").Replace("_Fused_", "_Generated_") == gen.Name))
            {
                Array.Clear(d.Grad);
                double v = double.CreateTruncating((T)other.Invoke(b, null)!);
                double gErr = 0, gMax = refGrad.Max(Math.Abs);
                if (gen.Name.EndsWith("_FB", StringComparison.Ordinal))
                    for (int i = 0; i < refGrad.Length; i++) gErr = Math.Max(gErr, Math.Abs(double.CreateTruncating(d.Grad[i]) - refGrad[i]));
                bool ok = Math.Abs(v - refValue) <= tol * Math.Max(1, Math.Abs(refValue)) && gErr <= tol * Math.Max(gMax, 1e-30);
                if (!ok) bad++;
                Console.WriteLine($"{typeof(T).Name,-7} {other.Name,-24} value {v,14:G8} vs {refValue,14:G8}  max grad err {gErr / Math.Max(gMax, 1e-30):E2} (relative to max |grad|) {(ok ? "ok" : "MISMATCH")}");
            }
        }
        return bad;
    }
}
