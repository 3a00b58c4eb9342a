using ScottPlot;
using Probing.IclHarness.Reports;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Report;

/// <summary>The run's PNG plots (ScottPlot), each with a title, axis labels and units.</summary>
internal static class IclPlots
{
    private const int Width = 900;
    private const int Height = 560;

    /// <summary>Draws every plot the result has data for; returns (file name, caption) pairs.</summary>
    public static List<(string File, string Caption)> WriteAll(IclRunResult r, string folder)
    {
        var images = new List<(string, string)>();
        if (r.Summaries.Count > 0)
        {
            Save(SurprisalPlot(r), folder, "surprisal.png", images, "LM answer surprisal per example (mean, 95% interval), the fitted two-hypothesis posterior and the ideal learner");
            Save(PCorrectPlot(r), folder, "p_correct.png", images, "LM P(correct) per example against the fitted θ_A");
        }
        if (r.Lens.Count > 0)
            Save(LensHeatmap(r), folder, "lens.png", images, "Logit lens: mean P(correct first informative token) at the position before it, layer × example");
        if (r.IntegerLens.Length > 0)
            Save(IntegerHeatmap(r), folder, "lens_integers.png", images, "Logit lens at the last answer: mean probability of each integer token, layer × integer");
        if (r.Sweep.Count > 0)
        {
            Save(SweepPlot(r, residual: false), folder, "sweep.png", images, "Prediction sweep: the LM's greedy answer against x for each context size k");
            Save(SweepPlot(r, residual: true), folder, "sweep_residual.png", images, "Prediction sweep residual y_true − y_pred against x");
        }
        return images;
    }

    private static void Save(Plot plot, string folder, string file, List<(string, string)> images, string caption)
    {
        AtomicFile.WritePng(Path.Combine(folder, file), temp => plot.SavePng(temp, Width, Height));
        images.Add((file, caption));
    }

    private static double[] Indices(IclRunResult r) => r.Summaries.Select(s => (double)s.Index).ToArray();

    // One colour per curve across the plots (Tableau-like, distinguishable in greyscale by line style).
    private static readonly Color LmColor = Color.FromHex("#1f77b4");
    private static readonly Color FitColor = Color.FromHex("#2ca02c");
    private static readonly Color IdealColor = Color.FromHex("#d62728");

    /// <summary>A shaded interval without an outline, light enough that the curves drawn over it stay visible.</summary>
    private static void Band(Plot plot, double[] xs, IEnumerable<double> lo, IEnumerable<double> hi, Color color)
    {
        var band = plot.Add.FillY(xs, lo.ToArray(), hi.ToArray());
        band.FillColor = color.WithAlpha(0.2);
        band.LineWidth = 0;
        band.MarkerSize = 0;
    }

    private static void Line(Plot plot, double[] xs, IEnumerable<double> ys, Color color, string legend, bool dashed = false)
    {
        var line = plot.Add.Scatter(xs, ys.ToArray());
        line.Color = color;
        line.LineWidth = 2;
        line.MarkerSize = 6;
        line.LegendText = legend;
        if (dashed) line.LinePattern = LinePattern.Dashed;
    }

    /// <summary>Example indices are integers: one tick per example.</summary>
    private static void IntegerTicks(Plot plot) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);

    private static Plot SurprisalPlot(IclRunResult r)
    {
        var plot = new Plot();
        var xs = Indices(r);
        Band(plot, xs, r.Summaries.Select(s => s.SurprisalBits.Lo), r.Summaries.Select(s => s.SurprisalBits.Hi), LmColor);
        Line(plot, xs, r.Summaries.Select(s => s.SurprisalBits.Mean), LmColor, $"LM, mean over {r.ContextsFinished} contexts (95% interval)");
        if (r.Fit.SimulatedSurprisalBits.Length == xs.Length)
            Line(plot, xs, r.Fit.SimulatedSurprisalBits, FitColor, $"two-hypothesis posterior (c = {r.Fit.C:F3})");
        Line(plot, xs, r.Summaries.Select(s => s.IdealSurprisalBits), IdealColor, "ideal learner", dashed: true);
        plot.Title($"Answer surprisal, task {r.Options.Task.Text}");
        plot.XLabel("example index i");
        plot.YLabel("surprisal (bits)");
        IntegerTicks(plot);
        plot.Axes.SetLimitsY(0, Math.Max(1, r.Summaries.Max(s => Math.Max(s.SurprisalBits.Hi, s.IdealSurprisalBits))) * 1.05);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static Plot PCorrectPlot(IclRunResult r)
    {
        var plot = new Plot();
        var xs = Indices(r);
        Band(plot, xs, r.Summaries.Select(s => s.PCorrect.Lo), r.Summaries.Select(s => s.PCorrect.Hi), LmColor);
        Line(plot, xs, r.Summaries.Select(s => s.PCorrect.Mean), LmColor, $"LM P(correct), mean over {r.ContextsFinished} contexts (95% interval)");
        if (r.Fit.ThetaA.Length == xs.Length)
            Line(plot, xs, r.Fit.ThetaA, FitColor, $"fitted θ_A (θ₀ = {r.Fit.Theta0:F3}, c = {r.Fit.C:F3})");
        Line(plot, xs, r.Summaries.Select(s => s.IdealPCorrect), IdealColor, "ideal learner", dashed: true);
        IntegerTicks(plot);
        plot.Title($"P(correct answer) and the two-hypothesis fit, task {r.Options.Task.Text}");
        plot.XLabel("example index i");
        plot.YLabel("probability");
        plot.Axes.SetLimitsY(0, 1.05);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    private static Plot LensHeatmap(IclRunResult r)
    {
        var layers = r.Model.Layers;
        var examples = r.Summaries.Count;
        var grid = new double[layers, examples];
        foreach (var group in r.Lens.GroupBy(l => (l.Layer, l.Index)))
            if (group.Key.Index <= examples) grid[layers - 1 - group.Key.Layer, group.Key.Index - 1] = group.Average(l => l.PCorrectFirst);
        return Heatmap(grid, $"Logit lens before each answer, task {r.Options.Task.Text}", "example index i", "layer (l_out)", 1, 0, "P(correct first informative token)");
    }

    private static Plot IntegerHeatmap(IclRunResult r)
    {
        var layers = r.IntegerLens.Length;
        // Only integers that have a token (0..9 on a character vocabulary) carry probability; trim the empty tail.
        var n = Math.Max(1, Enumerable.Range(0, r.IntegerLens[0].Length).LastOrDefault(k => r.IntegerLens.Any(row => row[k] > 0), -1) + 1);
        var grid = new double[layers, n];
        for (var l = 0; l < layers; l++)
            for (var k = 0; k < n; k++) grid[layers - 1 - l, k] = double.IsNaN(r.IntegerLens[l][k]) ? 0 : r.IntegerLens[l][k]; // NaN: no token
        return Heatmap(grid, "Distribution over integer tokens at the last answer", "integer n (token piece)", "layer (l_out)", 0, 0, "probability");
    }

    internal static Plot Heatmap(double[,] grid, string title, string xLabel, string yLabel, double x0, double y0, string unit)
    {
        var plot = new Plot();
        var rows = grid.GetLength(0);
        var cols = grid.GetLength(1);
        var heatmap = plot.Add.Heatmap(grid);
        // Cell (row, col) centred on (x0 + col, y0 + rows − 1 − row): the top row is the last layer.
        heatmap.Rectangle = new CoordinateRect(x0 - 0.5, x0 + cols - 0.5, y0 - 0.5, y0 + rows - 0.5);
        plot.Add.ColorBar(heatmap).Label = unit;
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        // Layers, example indices and integers are whole numbers: no tick between two cells.
        plot.Axes.Left.TickGenerator = IntegerTicks(y0, rows);
        plot.Axes.Bottom.TickGenerator = IntegerTicks(x0, cols);
        return plot;
    }

    private static ScottPlot.TickGenerators.NumericManual IntegerTicks(double start, int count)
    {
        var (positions, labels) = IntegerTickPositions(start, count);
        return new ScottPlot.TickGenerators.NumericManual(positions, labels);
    }

    /// <summary>Ticks at start, start + step, … (at most about 20), labelled as integers.</summary>
    internal static (double[] Positions, string[] Labels) IntegerTickPositions(double start, int count)
    {
        var step = Math.Max(1, (int)Math.Ceiling(count / 20.0));
        var positions = Enumerable.Range(0, (count + step - 1) / step).Select(i => start + i * step).ToArray();
        return (positions, positions.Select(p => ((long)p).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
    }

    private static Plot SweepPlot(IclRunResult r, bool residual)
    {
        var plot = new Plot();
        foreach (var group in r.Sweep.GroupBy(s => s.Shots))
        {
            var points = group.Where(s => s.YPred is not null).ToList();
            if (points.Count == 0) continue;
            var scatter = plot.Add.Scatter(points.Select(p => (double)p.X).ToArray(),
                points.Select(p => (double)(residual ? p.Residual!.Value : p.YPred!.Value)).ToArray());
            scatter.LegendText = $"k = {group.Key}";
        }
        if (!residual)
        {
            var truth = r.Sweep.Where(s => s.Shots == r.Sweep[0].Shots).ToList();
            var line = plot.Add.Scatter(truth.Select(p => (double)p.X).ToArray(), truth.Select(p => (double)p.YTrue).ToArray());
            line.LegendText = "y_true";
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Black;
        }
        plot.Title(residual ? $"Sweep residual y_true − y_pred, task {r.Options.Task.Text}" : $"Greedy prediction against x, task {r.Options.Task.Text}");
        plot.XLabel("final x");
        plot.YLabel(residual ? "y_true − y_pred (integer)" : "predicted y (integer)");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }
}
