using System.Runtime.Intrinsics;
using Xunit;
using Xunit.Abstractions;

namespace LossDsl.Kernels.Tests;

/// <summary>Reports which vector widths this run accelerates (the suite is meant to be run under DOTNET_Enable* knobs too).</summary>
public class HardwareInfoTests(ITestOutputHelper output)
{
    [Fact]
    public void ReportAcceleratedVectorWidths()
    {
        output.WriteLine($"Vector512={Vector512.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} Vector128={Vector128.IsHardwareAccelerated}");
        Assert.True(LossRegistry.All.Count > 0 || Catalog.Definitions.Count > 0);
    }
}
