using ScottPlot;

namespace Probing.IclHarness.Reports;

/// <summary>PNG heatmap of a <see cref="LensReport"/>: the lens probability of the final prediction per layer × position.</summary>
public static class LensHeatmap
{
    /// <summary>Renders the heatmap and writes it atomically to <paramref name="path"/>.</summary>
    public static void SavePng(LensReport report, string title, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        var layers = report.LayerCount;
        var positions = report.Tokens.Count;
        var data = new double[layers, positions]; // [layer (top row = last layer), position]
        for (var layer = 0; layer < layers; layer++)
            for (var position = 0; position < positions; position++)
                data[layers - 1 - layer, position] = report.FinalTokenProbability[layer, position];

        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        plot.Add.ColorBar(heatmap);
        plot.Title(title);
        plot.XLabel("position (input token)");
        plot.YLabel("layer (l_out)");
        plot.Axes.Bottom.SetTicks(
            Enumerable.Range(0, positions).Select(p => (double)p).ToArray(),
            report.Tokens.Select(t => t.Piece.Replace("\n", "\\n")).ToArray());
        plot.Axes.Left.SetTicks(
            Enumerable.Range(0, layers).Select(l => (double)l).ToArray(), // row 0 (the last layer) is drawn at the top, at y = n_layer - 1
            Enumerable.Range(0, layers).Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        var width = Math.Clamp(160 + 28 * positions, 640, 4000);
        var height = Math.Clamp(160 + 22 * layers, 360, 2400);
        Probing.Runs.AtomicFile.WritePng(path, temp => plot.SavePng(temp, width, height));
    }
}
