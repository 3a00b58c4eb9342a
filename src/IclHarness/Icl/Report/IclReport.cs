using System.Globalization;
using System.Text;

namespace Probing.IclHarness.Icl.Report;

/// <summary>report.md: the run in words, the table per example, the fitted c with its interval, and the plots.</summary>
internal static class IclReport
{
    public static string Markdown(IclRunResult r, IReadOnlyList<(string File, string Caption)> images)
    {
        var inv = CultureInfo.InvariantCulture;
        var o = r.Options;
        var sb = new StringBuilder();
        sb.Append(inv, $"# ICL run: task `{o.Task.Text}`\n\n");
        if (r.Partial) sb.Append(inv, $"**Partial run**: interrupted after {r.ContextsFinished} of {o.Contexts} contexts.\n\n");
        foreach (var warning in r.Warnings) sb.Append(inv, $"**Warning**: {warning}.\n\n");
        sb.Append(inv, $"- model: `{r.Model.Path}` (sha256 `{r.Model.Sha256}`, {r.Model.Layers} layers, vocabulary {r.Model.VocabSize})\n");
        sb.Append(inv, $"- template: `{o.Template.Name}`; {o.Examples} examples per context, x in {o.XMin}..{o.XMax} ({(o.Distinct ? "distinct" : "with replacement")}), seed {o.Seed}\n");
        sb.Append(inv, $"- contexts: {r.ContextsFinished}; every figure is the mean over contexts with a 95% Student-t interval\n");
        sb.Append(inv, $"- ideal learner: uniform prior over `{o.EffectiveIdealFamily.Canonical}`, ε = {o.Epsilon.ToString("G3", inv)}\n\n");

        sb.Append("## Two-hypothesis fit\n\n");
        if (r.Fit.C is { } c)
        {
            sb.Append(inv, $"Fitted sensitivity **c = {c:F4}** (95% interval {r.Fit.CCi95![0]:F4} to {r.Fit.CCi95[1]:F4}), ");
            sb.Append(inv, $"θ₀ = {r.Fit.Theta0:F4} (95% interval {r.Fit.Theta0Ci95![0]:F4} to {r.Fit.Theta0Ci95[1]:F4}); ");
            sb.Append(inv, $"RMSE {r.Fit.RmseSurprisalBits:F3} bits of surprisal ({r.Fit.Rmse:F4} in probability) over {r.Fit.N} points. ");
            sb.Append(inv, $"Jointly, with 95% confidence, θ₀ is in {r.Fit.Theta0JointCi95![0]:G3} to {r.Fit.Theta0JointCi95[1]:G3} and c in {r.Fit.CJointCi95![0]:F4} to {r.Fit.CJointCi95[1]:F4} (correlation of their logits {r.Fit.LogitCorrelation:F2}). The seed reports c ≈ ln 2 ≈ 0.693.\n\n");
        }
        else if (r.Fit.NotIdentifiable) sb.Append(inv, $"The two-hypothesis model is **not identifiable** on this curve: {r.Fit.Error!["not identifiable: ".Length..]}.\n\n");
        else sb.Append(inv, $"The fit failed: {r.Fit.Error}\n\n");

        var total = r.Summaries.Count > 0 ? r.Summaries[^1].CumulativeBits : null;
        if (total is not null)
            sb.Append(inv, $"Total information Σ surprisal over {r.Summaries.Count} examples: {total.Mean:F2} bits (95% interval {total.Lo:F2} to {total.Hi:F2}).\n\n");

        sb.Append("## Per example\n\n| i | surprisal (bits) | 95% interval | P(correct) | greedy exact | ideal (bits) |\n|---|---|---|---|---|---|\n");
        foreach (var s in r.Summaries)
            sb.Append(inv, $"| {s.Index} | {s.SurprisalBits.Mean:F3} | {s.SurprisalBits.Lo:F3} to {s.SurprisalBits.Hi:F3} | {s.PCorrect.Mean:F3} | {s.GreedyAccuracy.Mean:F2} | {s.IdealSurprisalBits:F3} |\n");
        sb.Append('\n');

        if (r.Lens.Count > 0)
        {
            var lens = LensSummary.Of(r.Lens, o.Examples);
            sb.Append("## Logit lens\n\n");
            sb.Append("Each layer's residual (l_out) at the position before each answer's first informative token (its first token that is not whitespace: the whole number on Llama 3, its first digit on Llama 2 or Qwen2, a minus sign where the vocabulary splits it off; see `first_token` in examples.csv; ");
            sb.Append("a space token in front of it is predicted alike under every rule), through the final norm and the unembedding.\n\n");
            sb.Append(inv, $"| layer | mean P(correct) | top-1 | mean P(correct), examples {lens.LateFrom}..{o.Examples} | top-1, examples {lens.LateFrom}..{o.Examples} | top token numeric |\n|---|---|---|---|---|---|\n");
            foreach (var l in lens.Layers)
                sb.Append(inv, $"| {l.Layer} | {l.MeanPCorrect:F3} | {l.TopOneFraction:F2} | {l.LateMeanPCorrect:F3} | {l.LateTopOneFraction:F2} | {l.TopNumericFraction:F2} |\n");
            sb.Append('\n');
            sb.Append(lens.TopFromLayer is { } top
                ? string.Create(inv, $"The correct answer becomes the top token at **layer {top}**: from there on it is top-1 for at least half of the answers of examples {lens.LateFrom}..{o.Examples}.\n\n")
                : string.Create(inv, $"The correct answer is top-1 for fewer than half of the answers of examples {lens.LateFrom}..{o.Examples} even at the last layer.\n\n"));
        }

        sb.Append("## Plots\n\n");
        foreach (var (file, caption) in images) sb.Append(inv, $"![{caption}]({file})\n\n*{caption}.*\n\n");
        sb.Append("Files: `examples.csv`, `lens.csv`, `lens_integers.csv`, `sweep.csv`, `fit.json`, `summary.json`, `run.json`.\n");
        return sb.ToString();
    }
}
