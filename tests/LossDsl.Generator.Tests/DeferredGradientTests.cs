using System.Linq;
using Xunit;

namespace LossDsl.Generator.Tests;

/// <summary>
/// A kernel that tests its wanted gradients at run time (a row loss's) computes what only one gradient needs inside that
/// gradient's test (ExpressionEmitter's deferred roots): the square of log_cosh's mean (its adjoint reads the mean, so
/// the gradient pass reads back the factor the aggregate pass left) stores y_pred's gradient from that summand, and
/// computes exp(-2|d|) only for y_true's.
/// </summary>
public class DeferredGradientTests
{
    private const string LogCosh = "loss lc(y_pred, y_true) = mean(let d = y_pred - y_true in d + softplus(-2 * d) - log(2))^2";

    [Fact]
    public void WhatOnlyOneGradientNeeds_IsComputedInsideItsTest()
    {
        var (result, _) = GeneratorHarness.Run(new[] { ("/src/lc.loss", LogCosh) });
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        string text = result.GeneratedSources.Single(s => s.HintName.Contains("Lc")).SourceText.ToString();
        int kernel = text.IndexOf("struct RowGradientCachedKernel<T>", System.StringComparison.Ordinal);
        Assert.True(kernel > 0, "no cached gradient kernel");
        int method = text.IndexOf("public Vector256<T> Invoke256(int i)", kernel, System.StringComparison.Ordinal);
        int end = text.IndexOf("public Vector256<T> Add256", method, System.StringComparison.Ordinal);
        string body = text[method..end];
        int test = body.IndexOf("if (_wantYTrueGrad)", System.StringComparison.Ordinal);
        int exp = body.IndexOf("LossMath.Exp(", System.StringComparison.Ordinal);
        Assert.True(test > 0 && exp > test, body);
        // y_pred's gradient reads the cached summand and computes no exp of its own
        Assert.True(body.IndexOf("summand0", System.StringComparison.Ordinal) < test, body);
    }
}
