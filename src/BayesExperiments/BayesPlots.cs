using ScottPlot;

namespace Probing.BayesExperiments;

/// <summary>Headless line plots for the Bayes experiments (ScottPlot), written atomically as PNG.</summary>
internal static class BayesPlots
{
    private const int Width = 1000;
    private const int Height = 650;

    /// <summary>One curve with markers, a title, axis labels with units, and optional fixed y limits.</summary>
    public static void LinePng(string path, double[] xs, double[] ys, string title, string xLabel, string yLabel, string legend, (double Lo, double Hi)? yLimits = null)
    {
        var plot = new Plot();
        var scatter = plot.Add.Scatter(xs, ys);
        scatter.LineWidth = 2.5f;
        scatter.MarkerSize = 7;
        scatter.LegendText = legend;
        plot.Title(title, 20);
        plot.XLabel(xLabel, 16);
        plot.YLabel(yLabel, 16);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 14;
        plot.Axes.Left.TickLabelStyle.FontSize = 14;
        plot.ShowLegend(Alignment.MiddleRight);
        plot.Legend.FontSize = 14;
        plot.Axes.AutoScale();
        if (yLimits is { } limits) plot.Axes.SetLimitsY(limits.Lo, limits.Hi);
        plot.Axes.SetLimitsX(xs.Min() - 0.5, xs.Max() + 0.5);
        Probing.Runs.AtomicFile.WritePng(path, plot.GetImageBytes(Width, Height, ImageFormat.Png));
    }
}
