using Probing.ToyModels.Analysis;
using ScottPlot;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// Analysis 4: linear probes (ridge regression, held-out R²) for H, N, H/N and the Bayes log-odds from each
/// hook's activation, over positions of sequences drawn from the data distribution.
/// </summary>
/// <param name="Hooks">Hooks in forward order.</param>
/// <param name="Targets">Target names: <c>H</c>, <c>N</c>, <c>H/N</c>, <c>log_odds</c>.</param>
/// <param name="Probes">Probe per (hook, target).</param>
public sealed record ProbeAnalysis(IReadOnlyList<string> Hooks, IReadOnlyList<string> Targets, IReadOnlyDictionary<(string Hook, string Target), RidgeProbe> Probes)
{
    /// <summary>The probe targets.</summary>
    public static readonly IReadOnlyList<string> TargetNames = ["H", "N", "H/N", "log_odds"];

    /// <summary>Fits one ridge probe per hook and target; H/N uses only rows with N ≥ 1.</summary>
    public static ProbeAnalysis Run(ProbeSamples samples, IReadOnlyList<string> hooks, double lambda = 1e-3, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(hooks);
        var probes = new Dictionary<(string, string), RidgeProbe>();
        var present = hooks.Where(samples.Features.ContainsKey).ToArray();
        foreach (var hook in present)
        {
            var width = samples.Widths[hook];
            var x = samples.Features[hook];
            foreach (var target in TargetNames)
            {
                var rows = Enumerable.Range(0, samples.Count).Where(r => target != "H/N" || samples.Flips[r] > 0).ToArray();
                var y = rows.Select(r => Target(samples, r, target)).ToArray();
                var xs = new float[rows.Length * width];
                for (var i = 0; i < rows.Length; i++) x.AsSpan(rows[i] * width, width).CopyTo(xs.AsSpan(i * width, width));
                probes[(hook, target)] = RidgeProbe.Fit(xs, width, y, lambda, 0.8, seed);
            }
        }

        return new ProbeAnalysis(present, TargetNames, probes);
    }

    private static double Target(ProbeSamples s, int r, string target) => target switch
    {
        "H" => s.Heads[r],
        "N" => s.Flips[r],
        "H/N" => (double)s.Heads[r] / s.Flips[r],
        "log_odds" => Math.Log(s.PosteriorMean[r]) - Math.Log(1 - s.PosteriorMean[r]),
        _ => throw new ArgumentException($"unknown probe target '{target}'."),
    };

    /// <summary>Writes <c>probes.csv</c> and <c>probes.png</c> (held-out R² by hook and target).</summary>
    public ReportFigure Write(string dir)
    {
        AnalysisFiles.WriteCsv(Path.Combine(dir, "probes.csv"),
            ["hook", "target", "heldout_r2", "train_r2", "train_rows", "heldout_rows"],
            Hooks.SelectMany(h => Targets.Select(t => (IReadOnlyList<object>)[h, t, Probes[(h, t)].HeldOutR2, Probes[(h, t)].TrainR2, Probes[(h, t)].TrainCount, Probes[(h, t)].HeldOutCount])));
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (var hi = 0; hi < Hooks.Count; hi++)
        {
            for (var ti = 0; ti < Targets.Count; ti++)
            {
                bars.Add(new Bar
                {
                    Position = hi * (Targets.Count + 1) + ti,
                    Value = Math.Max(-0.1, Probes[(Hooks[hi], Targets[ti])].HeldOutR2),
                    FillColor = palette.GetColor(ti),
                });
            }
        }

        plot.Add.Bars(bars);
        var ticks = Hooks.Select((h, i) => new Tick(i * (Targets.Count + 1) + (Targets.Count - 1) / 2.0, h.Replace("blocks.", "").Replace("hook_", ""))).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.TickLabelStyle.Rotation = 30;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 120; // room for the rotated hook names
        for (var ti = 0; ti < Targets.Count; ti++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = Targets[ti], FillColor = palette.GetColor(ti) });
        plot.ShowLegend(Alignment.LowerRight);
        plot.Axes.SetLimitsY(-0.1, 1.05);
        plot.Title("Linear probes: held-out R² by hook");
        plot.YLabel("held-out R²");
        AnalysisFiles.SavePng(plot, Path.Combine(dir, "probes.png"), 900, 560);

        var table = "| hook | " + string.Join(" | ", Targets) + " |\n|---|" + string.Concat(Targets.Select(_ => "---|")) + "\n" +
            string.Concat(Hooks.Select(h => $"| `{h}` | " + string.Join(" | ", Targets.Select(t => AnalysisFiles.F(Probes[(h, t)].HeldOutR2, "0.000"))) + " |\n"));
        var final = Hooks[^1];
        return new ReportFigure(
            "4. Linear probes",
            "Which hooks linearly encode the sufficient statistics H, N, H/N and the Bayes log-odds? (ridge regression on standardised activations, 80/20 split, held-out R²)",
            $"At `{final}`: " + string.Join(", ", Targets.Select(t => $"R²({t}) = {AnalysisFiles.F(Probes[(final, t)].HeldOutR2, "0.000")}")) +
            $"; best hook for log-odds: `{Hooks.MaxBy(h => Probes[(h, "log_odds")].HeldOutR2)}` (R² = {AnalysisFiles.F(Hooks.Max(h => Probes[(h, "log_odds")].HeldOutR2), "0.000")}).",
            "probes.csv", ["probes.png"], table);
    }
}
