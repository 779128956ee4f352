using System;
using System.Collections.Generic;
using System.Linq;

namespace LossDsl.Cli.Formulas;

/// <summary>A loss, its gradient and its second derivative along one swept value.</summary>
/// <param name="Title">The loss and what is held fixed.</param>
/// <param name="XLabel">What the horizontal axis is.</param>
/// <param name="Swept">The input whose value (or, for a row loss, one of whose row's values) is swept.</param>
public sealed record Curve(string Title, string XLabel, string Swept, double[] X, double[] Value, double[] Gradient, double[] Second);

/// <summary>
/// Samples a registered loss along one value by calling its generated kernels (<see cref="ILossDefinition.Evaluate(LossCall{double})"/>,
/// in double, reduction sum over one element or one row): the value, the generated gradient, and the second
/// derivative by central differences of the generated gradient.
/// <list type="bullet">
/// <item>Elementwise and whole losses: the first differentiable input is swept; an input named <c>target</c> is held at
/// 0 (so the axis is input - target); other inputs at their default, or 1.</item>
/// <item>Row losses: one row of <c>classes</c> values; the first differentiable element input is zero but for the swept
/// value at column <c>logit</c>; other element inputs are one-hot at column 0 (a class-0 target); index inputs are
/// class 0; per-row and per-class inputs are 1.</item>
/// </list>
/// <c>fixedInputs</c> overrides any held input (one value, or a whole row for a row loss).
/// </summary>
public static class CurveSampler
{
    public static Curve Sample(ILossDefinition loss, double from, double to, int points, IReadOnlyDictionary<string, double> options,
        IReadOnlyDictionary<string, double[]> fixedInputs, int classes = 3, int logit = 0)
    {
        if (!(from < to)) throw new ArgumentException($"the range must go up: {from} .. {to}");
        if (points < 2) throw new ArgumentException("at least 2 points");
        foreach (string name in options.Keys)
            if (!loss.Options.Any(o => o.Name == name))
                throw new ArgumentException($"{loss.Name} has no option '{name}' (options: {string.Join(", ", loss.Options.Select(o => o.Name).DefaultIfEmpty("none"))})");
        foreach (string name in fixedInputs.Keys)
            if (!loss.Inputs.Any(i => i.Name == name))
                throw new ArgumentException($"{loss.Name} has no input '{name}' (inputs: {string.Join(", ", loss.Inputs.Select(i => i.Name))})");
        var optionValues = loss.Options.Select(o => options.TryGetValue(o.Name, out double v) ? v : o.Default).ToArray();
        bool row = loss.Kind == LossKind.Row;
        int width = row ? classes : 1;
        if (row && (classes < 1 || logit < 0 || logit >= classes)) throw new ArgumentException($"the logit must be a column 0..{classes - 1}");
        int swept = Enumerable.Range(0, loss.Inputs.Count)
            .FirstOrDefault(k => loss.Inputs[k].Differentiable && loss.Inputs[k].Kind == LossInputKind.Element, -1);
        if (swept < 0) throw new ArgumentException($"{loss.Name} has no differentiable input to sweep");
        int column = row ? logit : 0;

        var held = new double[]?[loss.Inputs.Count];
        for (int k = 0; k < loss.Inputs.Count; k++)
        {
            var input = loss.Inputs[k];
            if (fixedInputs.TryGetValue(input.Name, out var given))
            {
                int expected = input.Kind is LossInputKind.Element or LossInputKind.Class ? width : 1;
                if (input.Kind != LossInputKind.Labels && given.Length != expected)
                    throw new ArgumentException($"'{input.Name}' takes {expected} value(s) here, not {given.Length}");
                held[k] = given;
                continue;
            }
            held[k] = input.Kind switch
            {
                _ when k == swept => new double[width],
                _ when input.Default is not null => null,
                LossInputKind.Element when row => Enumerable.Range(0, width).Select(j => j == 0 ? 1.0 : 0.0).ToArray(),
                LossInputKind.Element => new[] { input.Name == "target" ? 0.0 : 1.0 },
                LossInputKind.Index => new[] { 0.0 },
                LossInputKind.Class => Enumerable.Repeat(1.0, width).ToArray(),
                _ => new[] { 1.0 },
            };
        }

        (double Value, double Gradient) At(double x)
        {
            var inputs = held.Select(h => h?.ToArray()).ToArray();
            inputs[swept]![column] = x;
            var call = new LossCall<double> { Inputs = inputs, Options = optionValues, Reduction = Reduction.Sum, RowLength = width, WantGradients = true };
            loss.Evaluate(call);
            double gradient = call.Gradients?[swept] is { } g ? g[column] : double.NaN;
            return (call.Value, gradient);
        }

        var xs = new double[points];
        var values = new double[points];
        var gradients = new double[points];
        var seconds = new double[points];
        for (int i = 0; i < points; i++)
        {
            double x = from + (to - from) * i / (points - 1);
            xs[i] = x;
            (values[i], gradients[i]) = At(x);
            double h = 1e-4 * Math.Max(1, Math.Abs(x));
            seconds[i] = (At(x + h).Gradient - At(x - h).Gradient) / (2 * h);
        }

        string sweptName = loss.Inputs[swept].Name;
        int target = Enumerable.Range(0, loss.Inputs.Count).FirstOrDefault(k => loss.Inputs[k].Name == "target", -1);
        string xLabel = row ? $"{sweptName}[{column}] (other columns {(fixedInputs.ContainsKey(sweptName) ? "as given" : "0")}; {classes} columns)"
            : target >= 0 && target != swept && !fixedInputs.ContainsKey("target") && loss.Inputs[target].Kind == LossInputKind.Element ? $"{sweptName} - target (target = 0)"
            : sweptName;
        var heldText = loss.Inputs.Select((input, k) => (input, k)).Where(p => p.k != swept && held[p.k] is not null && !(p.input.Name == "target" && !row && !fixedInputs.ContainsKey("target")))
            .Select(p => $"{p.input.Name} = {(p.input.Kind == LossInputKind.Index ? "class " : "")}{Format(held[p.k]!)}")
            .Concat(loss.Options.Select((o, j) => (o, j)).Where(p => options.ContainsKey(p.o.Name)).Select(p => $"{p.o.Name} = {Format(optionValues[p.j])}"))
            .ToList();
        string title = loss.Name + (heldText.Count > 0 ? " (" + string.Join(", ", heldText) + ")" : "");
        return new Curve(title, xLabel, sweptName, xs, values, gradients, seconds);
    }

    private static string Format(double value) => value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);
    private static string Format(double[] values) => values.Length == 1 ? Format(values[0]) : "[" + string.Join(", ", values.Select(Format)) + "]";
}
