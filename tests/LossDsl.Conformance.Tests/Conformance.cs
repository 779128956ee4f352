using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using LossDsl.Cli.Eval;
using LossDsl.Conformance.Tests.Fakes;

namespace LossDsl.Conformance.Tests;

/// <summary>Where the fixtures are, the catalogue's names, and the evaluator the conformance tests use.</summary>
public static class Conformance
{
    /// <summary>The fixture files copied beside the tests (from tests/fixtures).</summary>
    public static string FixtureDirectory => Path.Combine(AppContext.BaseDirectory, "fixtures");

    public static IReadOnlyList<string> FixtureFiles =>
        Directory.Exists(FixtureDirectory)
            ? Directory.GetFiles(FixtureDirectory, "*.jsonl").OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>The Hessian fixtures (from tests/fixtures/hess: PyTorch double backward, scripts/make_hess_fixtures.py).</summary>
    public static IReadOnlyList<string> HessianFixtureFiles =>
        Directory.Exists(Path.Combine(FixtureDirectory, "hess"))
            ? Directory.GetFiles(Path.Combine(FixtureDirectory, "hess"), "*.jsonl").OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>
    /// The generated losses (from LossDsl.Definitions); where one of the fakes' names is not registered, the fake stands in,
    /// so that the engine is checked against the reference even before the generator declares that loss.
    /// </summary>
    /// <summary>The losses generated from definitions/*.loss (found in the definitions assembly, not the registry, which also holds test fakes).</summary>
    public static IReadOnlySet<string> DeclaredLosses { get; } = typeof(LossDsl.Losses.MseLoss).Assembly.GetTypes()
        .Where(t => typeof(ILossDefinition).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
        .Select(t => ((ILossDefinition)Activator.CreateInstance(t, nonPublic: true)!).Name)
        .ToHashSet(StringComparer.Ordinal);

    public static Evaluator Evaluator { get; } = CreateEvaluator();

    private static Evaluator CreateEvaluator()
    {
        RegisteredLosses.EnsureLoaded();
        return new Evaluator((string name, out ILossDefinition definition) =>
            LossRegistry.TryGet(name, out definition) || FakeLosses.All.TryGetValue(name, out definition!));
    }

    /// <summary>The loss names of conformance.md's catalogue.</summary>
    public static readonly IReadOnlySet<string> Catalogue = new HashSet<string>(StringComparer.Ordinal)
    {
        "l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss", "binary_cross_entropy",
        "binary_cross_entropy_with_logits", "kl_div", "poisson_nll_loss", "gaussian_nll_loss", "margin_ranking_loss",
        "hinge_embedding_loss", "soft_margin_loss", "multilabel_soft_margin_loss", "multilabel_margin_loss",
        "multi_margin_loss", "triplet_margin_loss", "cosine_embedding_loss", "ctc_loss",
        "sigmoid_focal_loss", "generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss",
        "rmse", "mean_squared_logarithmic_error", "mean_absolute_percentage_error", "log_cosh", "hinge", "squared_hinge",
        "categorical_hinge", "cosine_similarity", "poisson", "dice_loss", "tversky_loss", "tukey_biweight_loss",
        "softmax_focal_loss", "iou_loss", "gan_discriminator_loss", "gan_generator_loss",
    };
}

