using System;
using System.Linq;
using System.Numerics;
using System.Reflection;

namespace LossDsl.Benchmarks;

/// <summary>--check: every baseline computes the same loss and input gradient as the generated kernel (so the timings compare like with like).</summary>
public static class Check
{
    public static int Run()
    {
        int bad = 0;
        bad += Run<float>(new F32(), 1e-3);
        bad += Run<double>(new F64(), 1e-9);
        Console.WriteLine(bad == 0 ? "check: all baselines agree with the generated kernels" : $"check: {bad} mismatches");
        return bad == 0 ? 0 : 1;
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
