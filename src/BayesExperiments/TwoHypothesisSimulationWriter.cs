using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Probing.Bayes;
using Probing.Runs;

namespace Probing.BayesExperiments;

/// <summary>
/// Writes a <see cref="TwoHypothesisSimulation"/> into a claimed run folder: <see cref="CsvName"/>, the plots of
/// P(A) and of surprisal, and run.json (every parameter, the outputs), each file atomically.
/// </summary>
public static class TwoHypothesisSimulationWriter
{
    /// <summary>One row per example: example, p_a, surprisal_nats, surprisal_bits, cumulative_nats.</summary>
    public const string CsvName = "simulate.csv";

    /// <summary>P(A) before each example.</summary>
    public const string PriorPlotName = "simulated-prior.png";

    /// <summary>Surprisal −ln P(A) of each example.</summary>
    public const string SurprisalPlotName = "simulated-surprisal.png";

    /// <summary>Writes the CSV and both plots into <paramref name="folder"/>, then finishes <paramref name="record"/> there.</summary>
    public static void Write(TwoHypothesisSimulation simulation, string folder, RunRecord record)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        ArgumentNullException.ThrowIfNull(record);
        var curve = simulation.Curve;
        var steps = simulation.Steps;
        var csv = new StringBuilder("example,p_a,surprisal_nats,surprisal_bits,cumulative_nats\n");
        for (var i = 0; i < steps; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{i + 1},{curve.ProbabilityA[i]:R},{curve.SurprisalNats[i]:R},{Surprisal.NatsToBits(curve.SurprisalNats[i]):R},{simulation.CumulativeNats[i]:R}\n");
        AtomicFile.WriteAllText(Path.Combine(folder, CsvName), csv.ToString());

        var examples = Enumerable.Range(1, steps).Select(k => (double)k).ToArray();
        var subtitle = $"theta0 = {Short(simulation.Theta0)}, c = {Short(simulation.C)}";
        BayesPlots.LinePng(Path.Combine(folder, PriorPlotName), examples, curve.ProbabilityA,
            $"Simulated P(A): two-hypothesis learner ({subtitle})", "example k", "P(A) before example k (probability)", "P(A) = theta(k-1)", (0, 1.02));
        BayesPlots.LinePng(Path.Combine(folder, SurprisalPlotName), examples, curve.SurprisalNats,
            $"Simulated surprisal: two-hypothesis learner ({subtitle})", "example k", "surprisal -ln P(A) (nats)", "-ln theta(k-1)", (0, Math.Max(1e-3, curve.SurprisalNats.Max()) * 1.05));

        record.AddVersion(typeof(TwoHypothesisModel).Assembly, "probing_bayes");
        record.Parameters["c"] = simulation.C;
        record.Parameters["theta0"] = simulation.Theta0;
        record.Parameters["steps"] = steps;
        record.SetExtra("outputs", new JsonArray(CsvName, PriorPlotName, SurprisalPlotName));
        record.Finish(folder);
    }

    private static string Short(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
