using System.Collections.Generic;
using System.IO;
using System.Linq;
using LossDsl.Cli.Eval;
using Xunit;

namespace LossDsl.Conformance.Tests;

/// <summary>Every case of every fixture file (tests/fixtures/&lt;loss&gt;.jsonl), answered in process and compared with the reference.</summary>
public class ConformanceTests
{
    /// <summary>The fixtures of the losses that definitions/ declares (the generated kernels, not the test fakes).</summary>
    public static IEnumerable<object[]> FixtureNames()
    {
        var declared = Conformance.DeclaredLosses;
        var files = Conformance.FixtureFiles.Where(f => declared.Contains(Path.GetFileNameWithoutExtension(f))).ToList();
        if (files.Count == 0) yield return ["(no fixture files)"];
        foreach (string file in files) yield return [Path.GetFileNameWithoutExtension(file)];
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void AgreesWithTheReference(string fixture)
    {
        string path = Path.Combine(Conformance.FixtureDirectory, fixture + ".jsonl");
        Assert.True(File.Exists(path), $"no fixture files in {Conformance.FixtureDirectory}");

        var results = Fixtures.Run(Conformance.Evaluator, path).ToList();
        Assert.NotEmpty(results);
        var failures = results.Where(r => !r.Passed).ToList();
        if (failures.Count == 0) return;
        var message = $"{failures.Count} of {results.Count} cases of {fixture}.jsonl disagree with the reference:\n" +
                      string.Join("\n", failures.Take(20).Select(f => "  " + f)) +
                      (failures.Count > 20 ? $"\n  ... and {failures.Count - 20} more" : "");
        Assert.Fail(message);
    }
}

/// <summary>
/// The <c>hess</c> field: every case of tests/fixtures/hess/&lt;loss&gt;.jsonl (the Hessian diagonals of PyTorch's double
/// backward, with the loss and gradients) answered in process and compared with the reference's tolerances.
/// </summary>
public class HessianConformanceTests
{
    public static IEnumerable<object[]> HessianFixtureNames()
    {
        var files = Conformance.HessianFixtureFiles;
        if (files.Count == 0) yield return ["(no fixture files)"];
        foreach (string file in files) yield return [Path.GetFileNameWithoutExtension(file)];
    }

    [Theory]
    [MemberData(nameof(HessianFixtureNames))]
    public void HessiansAgreeWithPyTorchDoubleBackward(string fixture)
    {
        string path = Path.Combine(Conformance.FixtureDirectory, "hess", fixture + ".jsonl");
        Assert.True(File.Exists(path), $"no Hessian fixture files in {Conformance.FixtureDirectory}/hess");
        var results = Fixtures.Run(Conformance.Evaluator, path).ToList();
        Assert.NotEmpty(results);
        var failures = results.Where(r => !r.Passed).ToList();
        if (failures.Count == 0) return;
        Assert.Fail($"{failures.Count} of {results.Count} cases of hess/{fixture}.jsonl disagree with the reference:\n" +
                    string.Join("\n", failures.Take(20).Select(f => "  " + f)) + (failures.Count > 20 ? $"\n  ... and {failures.Count - 20} more" : ""));
    }

    [Fact]
    public void EveryElementwiseCatalogueLossHasHessianFixtures()
    {
        RegisteredLosses.EnsureLoaded();
        var withFixtures = Conformance.HessianFixtureFiles.Select(f => Path.GetFileNameWithoutExtension(f)).ToHashSet();
        var missing = LossRegistry.All.Where(d => d.HasHessians && Conformance.Catalogue.Contains(d.Name) && !withFixtures.Contains(d.Name))
            .Select(d => d.Name).ToList();
        Assert.True(missing.Count == 0, "elementwise catalogue losses without Hessian fixtures: " + string.Join(", ", missing));
    }

    [Fact]
    public void ARowLoss_AnswersAnErrorForHess()
    {
        var c = System.Text.Json.JsonDocument.Parse("""
            {"id": "ce-hess", "loss": "cross_entropy", "inputs": {"input": {"shape": [2, 3], "data": [1, 2, 3, 4, 5, 6]},
             "target": {"shape": [2], "data": [0, 2], "dtype": "int64"}}, "grad": ["input"], "hess": ["input"]}
            """).RootElement;
        var answer = Conformance.Evaluator.Evaluate(c);
        Assert.True(answer.IsError);
        Assert.Contains("second derivatives", answer.Error);
    }
}

/// <summary>The catalogue, the declared losses and the fixtures cover each other.</summary>
public class CoverageTests
{
    private static IReadOnlySet<string> FixtureLosses =>
        Conformance.FixtureFiles.Select(f => Path.GetFileNameWithoutExtension(f)).ToHashSet();

    [Fact]
    public void EveryDeclaredCatalogueLossHasAFixture()
    {
        RegisteredLosses.EnsureLoaded();
        var missing = LossRegistry.All.Select(d => d.Name)
            .Where(n => Conformance.Catalogue.Contains(n) && !FixtureLosses.Contains(n)).ToList();
        Assert.True(missing.Count == 0, "declared losses without a fixture file: " + string.Join(", ", missing));
    }

    [Fact]
    public void TheWholeCatalogueIsDeclaredAndChecked()
    {
        // Every catalogue loss is declared and checked against its fixture.
        string[] expected =
        {
            "l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
            "kl_div", "poisson_nll_loss", "gaussian_nll_loss", "margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss",
            "sigmoid_focal_loss", "tukey_biweight_loss", "log_cosh", "mean_squared_logarithmic_error",
            "mean_absolute_percentage_error", "hinge", "squared_hinge", "poisson", "rmse",
            // class-axis and row losses
            "cross_entropy", "nll_loss", "softmax_focal_loss", "categorical_hinge", "cosine_similarity",
            "cosine_embedding_loss", "triplet_margin_loss", "dice_loss", "tversky_loss",
            "gan_discriminator_loss", "gan_generator_loss",
            // box losses (boxes unpacked into coordinate inputs), per-class weights as inputs
            "iou_loss", "generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss",
            "multilabel_soft_margin_loss", "multi_margin_loss",
            // -1-terminated target lists expanded into one kernel row per (row, listed class)
            "multilabel_margin_loss",
            // a row function in C# (the CTC dynamic program) with its stated gradient; time-major sequences transposed
            "ctc_loss",
        };
        var checkedLosses = ConformanceTests.FixtureNames().Select(row => (string)row[0]).ToHashSet();
        Assert.DoesNotContain(expected, n => !checkedLosses.Contains(n));
        Assert.DoesNotContain(Conformance.Catalogue, n => !checkedLosses.Contains(n));
    }
}
