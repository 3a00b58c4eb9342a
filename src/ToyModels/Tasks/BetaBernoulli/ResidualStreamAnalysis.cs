using Probing.ToyModels.Analysis;
using ScottPlot;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// Analysis 6: the residual stream after each block, plotted in its two dimensions (d_model = 2; wider models
/// are projected on their top two principal components) and coloured by the posterior mean.
/// </summary>
/// <param name="Stages">Per stage (hook), the 2-D points, <c>[rows, 2]</c>.</param>
/// <param name="PosteriorMean">The Bayes predictive per row.</param>
/// <param name="Projected">Whether the residual was projected (d_model ≠ 2).</param>
/// <param name="PosteriorR2">Per stage, held-out R² of a linear probe for the posterior mean from the 2-D points.</param>
public sealed record ResidualStreamAnalysis(IReadOnlyList<(string Hook, float[] Points)> Stages, double[] PosteriorMean, bool Projected, IReadOnlyList<double> PosteriorR2)
{
    private const int ColourBins = 10;

    /// <summary>Collects the stages present in <paramref name="samples"/>.</summary>
    public static ResidualStreamAnalysis Run(ProbeSamples samples, IReadOnlyList<string> stageHooks, int maxRows = 20000)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(stageHooks);
        var rows = Math.Min(samples.Count, maxRows);
        var stages = new List<(string, float[])>();
        var r2 = new List<double>();
        var projected = false;
        foreach (var hook in stageHooks.Where(samples.Features.ContainsKey))
        {
            var width = samples.Widths[hook];
            var points = width == 2 ? samples.Features[hook][..(rows * 2)] : Pca.ProjectTop2(samples.Features[hook], width, rows);
            projected |= width != 2;
            stages.Add((hook, points));
            r2.Add(RidgeProbe.Fit(points, 2, samples.PosteriorMean[..rows], 1e-6).HeldOutR2);
        }

        if (stages.Count == 0) throw new ArgumentException("the residual-stream analysis found none of its residual hooks in the recorded activations.");
        return new ResidualStreamAnalysis(stages, samples.PosteriorMean[..rows], projected, r2);
    }

    /// <summary>Writes <c>residual_stream.csv</c> and one <c>residual_stream_{i}.png</c> per stage.</summary>
    public ReportFigure Write(string dir)
    {
        AnalysisFiles.WriteCsv(Path.Combine(dir, "residual_stream.csv"), ["hook", "x", "y", "posterior_mean"],
            Stages.SelectMany(s => PosteriorMean.Select((p, i) => (IReadOnlyList<object>)[s.Hook, s.Points[2 * i], s.Points[2 * i + 1], p])));
        var pngs = new List<string>();
        var colormap = new ScottPlot.Colormaps.Viridis();
        for (var si = 0; si < Stages.Count; si++)
        {
            var (hook, points) = Stages[si];
            var plot = new Plot();
            for (var bin = 0; bin < ColourBins; bin++)
            {
                var idx = Enumerable.Range(0, PosteriorMean.Length).Where(i => Math.Min(ColourBins - 1, (int)(PosteriorMean[i] * ColourBins)) == bin).ToArray();
                if (idx.Length == 0) continue;
                var s = plot.Add.Scatter(idx.Select(i => (double)points[2 * i]).ToArray(), idx.Select(i => (double)points[2 * i + 1]).ToArray());
                s.LineWidth = 0;
                s.MarkerSize = 4;
                s.Color = colormap.GetColor((bin + 0.5) / ColourBins);
                s.LegendText = $"P(1) ∈ [{bin / (double)ColourBins:0.0}, {(bin + 1) / (double)ColourBins:0.0})";
            }

            plot.ShowLegend(Alignment.UpperRight);
            plot.Title($"{hook}{(Projected ? " (top-2 PCs)" : "")}, coloured by posterior mean");
            plot.XLabel(Projected ? "PC 1" : "resid[0]");
            plot.YLabel(Projected ? "PC 2" : "resid[1]");
            var name = $"residual_stream_{si}.png";
            AnalysisFiles.SavePng(plot, Path.Combine(dir, name));
            pngs.Add(name);
        }

        return new ReportFigure(
            "6. Residual stream",
            $"Where does the {(Projected ? "residual (top-2 PCs)" : "2-D residual")} put each position, and how linearly does it encode the posterior mean after each block?",
            "Held-out R² of a linear read-out of the posterior mean: " +
            string.Join("; ", Stages.Select((s, i) => $"`{s.Hook}` {AnalysisFiles.F(PosteriorR2[i], "0.000")}")) + ".",
            "residual_stream.csv", pngs);
    }
}
