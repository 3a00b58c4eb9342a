using System.Globalization;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Report;
using Spectre.Console;

namespace Probing.Cli;

/// <summary>The table printed at the end of <c>probe icl</c>.</summary>
internal static class IclSummaryTable
{
    /// <summary>
    /// <paramref name="result"/> with its warnings naming flags instead of the library's property names, so the terminal,
    /// report.md and summary.json say the same thing. Only the option the run's warnings name (the ideal learner's family)
    /// is rendered: a sweep failure carries a library message, paths included, whose words must not be read as option names.
    /// </summary>
    public static IclRunResult WithFlags(IclRunResult result) =>
        result with { Warnings = [.. result.Warnings.Select(w => OptionFlags.Text(w, "IdealFamily"))] };

    public static void Print(CliContext context, IclRunResult result, string folder)
    {
        var inv = CultureInfo.InvariantCulture;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Out),
            Ansi = ReferenceEquals(context.Out, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.Detect,
        });
        if (!ReferenceEquals(context.Out, Console.Out) || Console.IsOutputRedirected) console.Profile.Width = 120;
        foreach (var warning in WithFlags(result).Warnings) context.Error.WriteLine($"probe: warning: {warning}");
        var table = new Table().Title($"task {Markup.Escape(result.Options.Task.Text)}, {result.ContextsFinished} contexts{(result.Partial ? " (partial)" : "")}");
        table.AddColumns("i", "surprisal (bits)", "95% interval", "P(correct)", "greedy exact", "rank 1st informative token", "ideal (bits)");
        foreach (var s in result.Summaries)
            table.AddRow(
                s.Index.ToString(inv),
                s.SurprisalBits.Mean.ToString("F3", inv),
                $"{s.SurprisalBits.Lo.ToString("F3", inv)} to {s.SurprisalBits.Hi.ToString("F3", inv)}",
                s.PCorrect.Mean.ToString("F3", inv),
                s.GreedyAccuracy.Mean.ToString("F2", inv),
                s.FirstTokenRank.Mean.ToString("F1", inv),
                s.IdealSurprisalBits.ToString("F3", inv));
        console.Write(table);
        if (result.Summaries.Count > 0)
        {
            var total = result.Summaries[^1].CumulativeBits;
            context.Out.WriteLine(string.Create(inv, $"total information Σ surprisal: {total.Mean:F2} bits (95% interval {total.Lo:F2} to {total.Hi:F2})"));
        }
        context.Out.WriteLine(result.Fit.C is { } c
            ? string.Create(inv, $"two-hypothesis fit: c = {c:F4} (95% interval {result.Fit.CCi95![0]:F4} to {result.Fit.CCi95[1]:F4}), θ₀ = {result.Fit.Theta0:G4}, joint 95%: c {result.Fit.CJointCi95![0]:F4} to {result.Fit.CJointCi95[1]:F4}, θ₀ {result.Fit.Theta0JointCi95![0]:G3} to {result.Fit.Theta0JointCi95[1]:G3}; RMSE {result.Fit.RmseSurprisalBits:F3} bits")
            : result.Fit.NotIdentifiable ? $"two-hypothesis fit: {result.Fit.Error}" : $"two-hypothesis fit failed: {result.Fit.Error}");
        if (result.Lens.Count > 0)
        {
            var lens = LensSummary.Of(result.Lens, result.Options.Examples);
            var perLayer = string.Join(", ", lens.Layers.Select(l => string.Create(inv, $"{l.Layer}: {l.LateTopOneFraction:F2}")));
            context.Out.WriteLine(lens.TopFromLayer is { } top
                ? string.Create(inv, $"logit lens: the correct first informative token is the top token from layer {top} on (top-1 share per layer, examples {lens.LateFrom}..{result.Options.Examples}: {perLayer})")
                : string.Create(inv, $"logit lens: the correct first informative token is not the top token for most later answers at any layer (top-1 share per layer, examples {lens.LateFrom}..{result.Options.Examples}: {perLayer})"));
        }
        context.Out.WriteLine($"wrote {folder}");
    }
}
