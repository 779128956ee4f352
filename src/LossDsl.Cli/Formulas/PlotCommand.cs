using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace LossDsl.Cli.Formulas;

/// <summary>
/// <c>lossdsl plot</c>: draws a <see cref="Curve"/> with ScottPlot: the loss, its gradient and its second derivative on
/// one axis, as SVG or PNG (by the output's extension).
/// </summary>
public static class PlotCommand
{
    public const int Width = 900, Height = 540;

    /// <summary>Writes the picture; throws <see cref="ArgumentException"/> for an extension it does not draw.</summary>
    public static void Render(Curve curve, string path, int width = Width, int height = Height)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".svg" or ".png")) throw new ArgumentException($"the output must end in .svg or .png: {path}");
        var plot = new ScottPlot.Plot();
        plot.Title(curve.Title);
        plot.XLabel(curve.XLabel);
        plot.YLabel("value");
        var zero = plot.Add.HorizontalLine(0);
        zero.Color = ScottPlot.Colors.Gray.WithAlpha(0.5);
        zero.LineWidth = 1;
        Add(plot, curve.X, curve.Value, "L", ScottPlot.Colors.Black, 2.5f, dashed: false);
        Add(plot, curve.X, curve.Gradient, $"dL/d{curve.Swept}", ScottPlot.Colors.RoyalBlue, 2f, dashed: false);
        Add(plot, curve.X, curve.Second, $"d²L/d{curve.Swept}² (central differences of the gradient)", ScottPlot.Colors.OrangeRed, 1.5f, dashed: true);
        plot.Axes.SetLimitsX(curve.X[0], curve.X[^1]);
        if (YLimits(curve) is var (low, high)) plot.Axes.SetLimitsY(low, high);
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        if (extension == ".svg") plot.SaveSvg(path, width, height);
        else plot.SavePng(path, width, height);
    }

    /// <summary>One line per run of finite values, so NaN and infinity leave gaps instead of breaking the drawing.</summary>
    private static void Add(ScottPlot.Plot plot, double[] x, double[] y, string label, ScottPlot.Color color, float width, bool dashed)
    {
        bool labelled = false;
        int i = 0;
        while (i < y.Length)
        {
            while (i < y.Length && !double.IsFinite(y[i])) i++;
            int start = i;
            while (i < y.Length && double.IsFinite(y[i])) i++;
            if (i == start) break;
            var line = plot.Add.ScatterLine(x[start..i], y[start..i], color);
            line.LineWidth = width;
            if (dashed) line.LinePattern = ScottPlot.LinePattern.Dashed;
            if (!labelled) { line.LegendText = label; labelled = true; }
        }
        if (!labelled)
        {
            // No finite value at all: still name the curve in the legend.
            var empty = plot.Add.ScatterLine(new[] { x[0] }, new[] { 0.0 }, color);
            empty.LegendText = label + " (not finite in this range)";
            empty.LineWidth = 0;
        }
    }

    /// <summary>
    /// The vertical range: what the value and the gradient cover, and the second derivative only within a robust range
    /// (a kink's central difference is a spike of height 1/h that would flatten everything else).
    /// </summary>
    private static (double, double)? YLimits(Curve curve)
    {
        var main = curve.Value.Concat(curve.Gradient).Where(double.IsFinite).ToList();
        var second = curve.Second.Where(double.IsFinite).OrderBy(v => v).ToList();
        if (second.Count > 0)
        {
            double q1 = second[(int)(0.05 * (second.Count - 1))], q9 = second[(int)(0.95 * (second.Count - 1))];
            main.AddRange(second.Where(v => v >= q1 && v <= q9));
        }
        if (main.Count == 0) return null;
        double low = Math.Min(main.Min(), 0), high = Math.Max(main.Max(), 0);
        double pad = Math.Max(1e-9, (high - low) * 0.08);
        return (low - pad, high + pad);
    }

    /// <summary>Parses <c>a,b</c>.</summary>
    public static (double From, double To) ParseRange(string text)
    {
        var parts = text.Split(',');
        if (parts.Length != 2 || !TryNumber(parts[0], out double a) || !TryNumber(parts[1], out double b) || !(a < b))
            throw new ArgumentException($"--range takes two increasing numbers 'a,b', not '{text}'");
        return (a, b);
    }

    /// <summary>Parses <c>name=value</c> (or <c>name=v1,v2,...</c> when <paramref name="many"/>) pairs.</summary>
    public static Dictionary<string, double[]> ParsePairs(IEnumerable<string> pairs, string option, bool many)
    {
        var result = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int eq = pair.IndexOf('=');
            string name = eq > 0 ? pair[..eq].Trim() : "";
            string[] values = eq > 0 ? pair[(eq + 1)..].Split(',') : Array.Empty<string>();
            var numbers = new double[values.Length];
            bool ok = name.Length > 0 && values.Length > 0 && (many || values.Length == 1);
            for (int i = 0; ok && i < values.Length; i++)
                ok = TryNumber(values[i], out numbers[i]) || values.Length == 1 && TryBoolean(values[i], out numbers[i]);
            if (!ok) throw new ArgumentException($"{option} takes name=value{(many ? "[,value...]" : "")}, not '{pair}'");
            result[name] = numbers;
        }
        return result;
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value);

    private static bool TryBoolean(string text, out double value)
    {
        value = text.Trim() switch { "true" => 1, "false" => 0, _ => double.NaN };
        return !double.IsNaN(value);
    }
}
