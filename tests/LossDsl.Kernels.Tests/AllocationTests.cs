using System;
using System.Linq;
using System.Numerics;
using Xunit;

namespace LossDsl.Kernels.Tests;

/// <summary>A warm call of the typed Forward / ForwardBackward / Backward allocates nothing.</summary>
public class AllocationTests
{
    private const int N = 10_000;

    public static TheoryData<string, string, Reduction> Data
    {
        get
        {
            var data = new TheoryData<string, string, Reduction>();
            foreach (var name in TypedLosses.Names)
                foreach (var type in new[] { "float", "double" })
                    foreach (var reduction in new[] { Reduction.None, Reduction.Mean })
                        data.Add(name, type, reduction);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Data))]
    public void WarmTypedCallsAllocateNothing(string name, string type, Reduction reduction)
    {
        if (type == "float") Check<float>(name, reduction); else Check<double>(name, reduction);
    }

    private static void Check<T>(string name, Reduction reduction) where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var loss = TypedLosses.Get<T>(name);
        var rng = new Random(GradientCheckTests.Seed(name + typeof(T).Name + reduction));
        var data = Catalog.Generate(Catalog.GetCase(name), rng, N);
        var a = Catalog.Convert<T>(data[0])!;
        var b = Catalog.Convert<T>(data[1])!;
        int rowLength = loss.RowLength(N);
        int outputs = rowLength > 0 ? N / rowLength : N;
        var upstream = Catalog.Convert<T>(Catalog.Upstream(rng, outputs))!;
        var output = new T[outputs];
        var ga = new T[N];
        var gb = new T[N];
        T one = T.One;

        var failures = new System.Collections.Generic.List<string>();
        for (int op = 0; op < 3; op++)
        {
            string what = $"{name} {typeof(T).Name} {op switch { 0 => "Forward", 1 => "ForwardBackward", _ => "Backward" }}({reduction})";
            try
            {
                // Warm up (first calls JIT and tier up), then measure one call.
                for (int warm = 0; warm < 3; warm++) Call(op);
                long before = GC.GetAllocatedBytesForCurrentThread();
                Call(op);
                long after = GC.GetAllocatedBytesForCurrentThread();
                if (after != before) failures.Add($"{what} allocated {after - before} bytes");
            }
            catch (Exception e)
            {
                failures.Add($"{what} threw {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        void Call(int op)
        {
            switch (op, reduction)
            {
                case (0, Reduction.None): loss.Forward(a, b, rowLength, output); break;
                case (0, _): _ = loss.Forward(a, b, rowLength, reduction); break;
                case (1, Reduction.None): loss.ForwardBackward(a, b, rowLength, output, upstream, ga, gb); break;
                case (1, _): _ = loss.ForwardBackward(a, b, rowLength, ga, gb, reduction, one); break;
                case (2, Reduction.None): loss.Backward(a, b, rowLength, upstream, ga, gb); break;
                default: loss.Backward(a, b, rowLength, ga, gb, reduction, one); break;
            }
        }
    }
}
