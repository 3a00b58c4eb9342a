using ScottPlot;

namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>Headless PNG figures of the trigram analyses (ScottPlot 5), each written atomically.</summary>
internal static class TrigramPlots
{
    private const int Width = 900, Height = 700;

    /// <summary>A heatmap of row-major <paramref name="values"/>[rows, cols]; row r is drawn at y = r (row 0 at the bottom).</summary>
    public static void Heatmap(string path, double[] values, int rows, int cols, string title, string xLabel, string yLabel)
    {
        var data = new double[rows, cols];
        for (var r = 0; r < rows; r++)
        for (var c = 0; c < cols; c++) data[rows - 1 - r, c] = values[r * cols + c]; // ScottPlot draws data row 0 at the top
        var plot = new Plot();
        var map = plot.Add.Heatmap(data);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(map);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        Save(plot, path);
    }

    /// <summary>Bars at 0 … n − 1, with optional category labels.</summary>
    public static void Bars(string path, double[] values, string title, string xLabel, string yLabel, string[]? labels = null)
    {
        var plot = new Plot();
        plot.Add.Bars(values);
        if (labels is not null)
        {
            var ticks = labels.Select((l, i) => new Tick(i, l)).ToArray();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        }
        plot.Axes.Margins(bottom: 0);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        Save(plot, path);
    }

    /// <summary>A line over positions with markers at <paramref name="marked"/> and a horizontal threshold.</summary>
    public static void Line(string path, double[] values, IReadOnlyList<int> marked, double threshold, string title, string xLabel, string yLabel, string markedLabel)
    {
        var plot = new Plot();
        var xs = Enumerable.Range(0, values.Length).Select(i => (double)i).ToArray();
        var line = plot.Add.Scatter(xs, values);
        line.LegendText = yLabel;
        if (marked.Count > 0)
        {
            var m = plot.Add.ScatterPoints(marked.Select(i => (double)i).ToArray(), marked.Select(i => values[i]).ToArray());
            m.MarkerSize = 12;
            m.LegendText = markedLabel;
        }
        var h = plot.Add.HorizontalLine(threshold);
        h.LegendText = $"threshold {threshold}";
        plot.ShowLegend();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        Save(plot, path);
    }

    /// <summary>Overlaid histograms (as step-free bars of densities) of two score samples on common bins.</summary>
    public static void TwoHistograms(string path, IReadOnlyList<double> a, string aLabel, IReadOnlyList<double> b, string bLabel, string title, string xLabel, int bins = 40)
    {
        var lo = Math.Min(a.Min(), b.Min());
        var hi = Math.Max(a.Max(), b.Max());
        if (hi <= lo) hi = lo + 1;
        var width = (hi - lo) / bins;
        double[] Density(IReadOnlyList<double> xs)
        {
            var counts = new double[bins];
            foreach (var x in xs) counts[Math.Min(bins - 1, (int)((x - lo) / width))]++;
            for (var i = 0; i < bins; i++) counts[i] /= xs.Count * width;
            return counts;
        }
        var centers = Enumerable.Range(0, bins).Select(i => lo + (i + 0.5) * width).ToArray();
        var plot = new Plot();
        var sa = plot.Add.Scatter(centers, Density(a));
        sa.LegendText = aLabel;
        var sb = plot.Add.Scatter(centers, Density(b));
        sb.LegendText = bLabel;
        plot.ShowLegend();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel("density");
        Save(plot, path);
    }

    private static void Save(Plot plot, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(path)}.{Environment.ProcessId}.tmp.png");
        plot.SavePng(temp, Width, Height);
        File.Move(temp, path, overwrite: true);
    }
}
