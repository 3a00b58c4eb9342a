using System.Text;

namespace Probing.ToyModels.Tasks.Trigram.Analysis;

/// <summary>Writes <c>report.md</c>: each analysis as a question with its numeric answer, and the figures.</summary>
public static class TrigramReport
{
    /// <summary>Writes the report for <paramref name="main"/> (and the side-by-side table with <paramref name="other"/>) into <paramref name="outDir"/>.</summary>
    /// <param name="outDir">The analysis output folder.</param>
    /// <param name="main">The analysed model (normally attention + MLP).</param>
    /// <param name="other">A second model for analysis 5 (normally attention-only), analysed into <c>compare/</c>; or null.</param>
    /// <param name="source">Where the model came from (checkpoint path), for the header.</param>
    /// <returns>The report's text.</returns>
    public static string Write(string outDir, TrigramAnalysisResult main, TrigramAnalysisResult? other, string source)
    {
        ArgumentNullException.ThrowIfNull(main);
        var m = main.Metrics;
        var p = main.PrevToken;
        var c = main.Circuits;
        var a = main.Ablation;
        var s = new StringBuilder();
        s.AppendLine($"# Trigram analysis: {main.Label}").AppendLine();
        s.AppendLine($"Model: `{source}` (d_model {main.DModel}, d_head {main.DHead}, d_mlp {main.DMlp}). " +
                     $"Evaluation: {m.InContextCount} distinct trigrams seen in the batch, {m.OccurrenceCount} trigram occurrences; set of {m.TrigramCount} trigrams.").AppendLine();
        s.AppendLine("## Metrics").AppendLine();
        s.AppendLine("| metric | value |").AppendLine("|---|---|");
        foreach (var (k, v) in m.ToNamedValues()) s.AppendLine($"| `{k}` | {Num(v)} |");
        s.AppendLine().AppendLine("Reference (seed 001 worklog, attention + MLP): train_loss 4.15741, train_loss_as_frac 0.25847, trigram_avg_correct_prob 0.80103, trigram_frac_correct 0.9639, trigram_n_correct 267. " +
                                  "`train_loss_as_frac_nominal` is the normalisation ARENA logged; `train_loss_as_frac` uses the batch's exact optimum.").AppendLine();
        s.AppendLine("![Sample model probabilities](sample_probs.png)").AppendLine();

        s.AppendLine("## 1. Is previous-token attention > 0.2 at Y exactly the set of correctly predicted trigrams?").AppendLine();
        s.AppendLine($"- Correctly predicted Z positions (top-1): **{p.AttentionVsCorrect.SizeA}**; positions whose Y attends to X above {p.Threshold}: **{p.AttentionVsCorrect.SizeB}**.");
        s.AppendLine($"- Intersection **{p.AttentionVsCorrect.Intersection}**, union {p.AttentionVsCorrect.Union}, Jaccard **{AtomicText.F(p.AttentionVsCorrect.Jaccard)}**; the sets are {(p.AttentionVsCorrect.Equal ? "**equal**" : "**not equal**")}.");
        s.AppendLine($"- The worklog's own test (P(correct next token) > {p.Threshold} vs attention): sizes {p.AttentionVsProbability.SizeA} and {p.AttentionVsProbability.SizeB}, intersection {p.AttentionVsProbability.Intersection}, Jaccard {AtomicText.F(p.AttentionVsProbability.Jaccard)}.");
        s.AppendLine($"- All Z positions vs attention: sizes {p.AttentionVsAllTrigrams.SizeA} and {p.AttentionVsAllTrigrams.SizeB}, intersection {p.AttentionVsAllTrigrams.Intersection}, Jaccard {AtomicText.F(p.AttentionVsAllTrigrams.Jaccard)}.");
        s.AppendLine($"- Mean previous-token attention: {AtomicText.F(p.MeanAttentionAtCorrect)} at the Y of learned trigrams, {AtomicText.F(p.MeanAttentionAtMissed)} at the Y of missed ones, {AtomicText.F(p.MeanAttentionElsewhere)} elsewhere.").AppendLine();
        s.AppendLine("![Attention pattern](attn_pattern.png)").AppendLine();
        s.AppendLine("![Y token attention to X token](prev_token_attention.png)").AppendLine();
        s.AppendLine("Data: `prev_token_attention.csv`, `prev_token_sets.csv`.").AppendLine();

        s.AppendLine("## 2. Does the QK circuit pick out the trigram pairs (query Y, key X)?").AppendLine();
        s.AppendLine($"- ROC AUC of the token QK score W_E W_Q W_Kᵀ W_Eᵀ [Y, X], trigram pairs vs all other pairs: **{AtomicText.F(c.TokenAuc)}**.");
        s.AppendLine($"- ROC AUC of the full adjacent-position score (tokens + positions + biases, averaged over positions): **{AtomicText.F(c.AdjacentFullAuc)}**.");
        s.AppendLine($"- Of the {m.TrigramCount} highest-scoring token pairs, {AtomicText.F(100 * c.TopPairsPrecision, 1)}% are trigram pairs.");
        s.AppendLine($"- Positional part: mean QK[p, p−1] − QK[p, p] = {AtomicText.F(c.PositionalPrevMinusSelf)}; the previous position is the top positional key for {AtomicText.F(100 * c.PositionalPrevRank, 1)}% of query positions.").AppendLine();
        s.AppendLine("![QK token circuit](qk_token.png)").AppendLine();
        s.AppendLine("![QK score histogram](qk_token_hist.png)").AppendLine();
        s.AppendLine("![QK positional circuit](qk_positional.png)").AppendLine();
        s.AppendLine("Data: `qk_pairs.csv` (sorted by token score), `qk_positional.csv`.").AppendLine();

        s.AppendLine("## 3. Does the OV circuit map X to Z?").AppendLine();
        s.AppendLine($"- Top-1 accuracy of the OV circuit W_E W_V W_O W_U [X] predicting Z: **{AtomicText.F(c.OvAccuracy)}** over all trigrams, {AtomicText.F(c.OvAccuracyOnLearned)} over the learned ones.");
        s.AppendLine($"- With the direct path added (OV[X] + W_E W_U [Y]): **{AtomicText.F(c.OvPlusDirectAccuracy)}** over all trigrams, {AtomicText.F(c.OvPlusDirectAccuracyOnLearned)} over the learned ones.").AppendLine();
        s.AppendLine("![OV circuit](ov_token.png)").AppendLine();
        s.AppendLine("Data: `ov_trigrams.csv`.").AppendLine();

        s.AppendLine("## 4. How many trigram completions does each path predict alone (zero-ablation)?").AppendLine();
        s.AppendLine($"Correct top-1 predictions of Z over {a.Occurrences} occurrences (reference, released model: 820 direct only, 1,004 attention only, 92 MLP only, of 5,629):").AppendLine();
        s.AppendLine("| kept | correct | fraction |").AppendLine("|---|---|---|");
        foreach (var (name, n) in new[]
        {
            ("full model", a.Full), ("direct path only (attention and MLP outputs zeroed)", a.DirectOnly),
            ("direct + attention (MLP output zeroed)", a.AttentionOnly), ("direct + MLP (attention output zeroed)", a.MlpOnly),
            ("attention output alone through W_U", a.DirectLogitsAttention), ("MLP output alone through W_U", a.DirectLogitsMlp),
            ("MLP on the embeddings only (attention zeroed), its output alone through W_U", a.MlpWithoutAttentionAlone),
            ("the reference's \"MLP only\" as written: occurrences whose Z is token 0", a.ReferenceMlpOnlyLiteral),
        })
            s.AppendLine($"| {name} | {n} | {AtomicText.F(a.Occurrences == 0 ? 0 : (double)n / a.Occurrences)} |");
        s.AppendLine().AppendLine("The reference's rows map to ours as follows. \"Direct path only\" unembeds embed + pos (our direct path only); " +
            "\"attention only\" unembeds embed + pos + attn_out (our direct + attention). Its \"MLP only\" runs the MLP on embed + pos and " +
            "unembeds the MLP output alone, but then indexes the [d_vocab] probabilities with the sequence position, so the argmax is taken " +
            "over a 0-d tensor and is always token 0: its 92 is the number of occurrences whose Z is token 0 (the last two rows give the " +
            "intended and the literal value for this model).");
        s.AppendLine().AppendLine("![Ablation](ablation.png)").AppendLine();
        s.AppendLine("Data: `ablation.csv`.").AppendLine();

        s.AppendLine("## 5. Attention-only against attention + MLP").AppendLine();
        if (other is null)
        {
            s.AppendLine("Not run: no attention-only checkpoint was given to compare with.").AppendLine();
        }
        else
        {
            s.AppendLine($"| metric | {main.Label} | {other.Label} |").AppendLine("|---|---|---|");
            var om = other.Metrics.ToNamedValues().ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var (k, v) in m.ToNamedValues()) s.AppendLine($"| `{k}` | {Num(v)} | {Num(om[k])} |");
            s.AppendLine($"| ablation: direct only | {a.DirectOnly} | {other.Ablation.DirectOnly} |");
            s.AppendLine($"| ablation: direct + attention | {a.AttentionOnly} | {other.Ablation.AttentionOnly} |");
            s.AppendLine($"| prev-attn vs correct, Jaccard | {AtomicText.F(p.AttentionVsCorrect.Jaccard)} | {AtomicText.F(other.PrevToken.AttentionVsCorrect.Jaccard)} |");
            s.AppendLine($"| QK token AUC | {AtomicText.F(c.TokenAuc)} | {AtomicText.F(other.Circuits.TokenAuc)} |");
            s.AppendLine($"| OV + direct accuracy | {AtomicText.F(c.OvPlusDirectAccuracy)} | {AtomicText.F(other.Circuits.OvPlusDirectAccuracy)} |");
            s.AppendLine().AppendLine("Reference (worklog): attention + MLP 4.15741 / 0.25847 / 0.80103 / 0.9639 / 267; attention only (d_head 24) 4.17597 / 0.34443 / 0.71363 / 0.90614 / 251.").AppendLine();
            var dn = m.TrigramNCorrect - other.Metrics.TrigramNCorrect;
            s.AppendLine($"**What the MLP contributes:** {Signed(dn)} distinct trigrams learned ({m.TrigramNCorrect} vs {other.Metrics.TrigramNCorrect}), " +
                         $"{Signed(m.OccurrenceNCorrect - other.Metrics.OccurrenceNCorrect)} correctly predicted occurrences, " +
                         $"train_loss_as_frac {AtomicText.F(m.TrainLossAsFrac)} vs {AtomicText.F(other.Metrics.TrainLossAsFrac)}, " +
                         $"trigram_avg_correct_prob {AtomicText.F(m.TrigramAvgCorrectProb)} vs {AtomicText.F(other.Metrics.TrigramAvgCorrectProb)}. " +
                         $"Inside the MLP model, zeroing the MLP output leaves {a.AttentionOnly} of {a.Full} correct predictions " +
                         $"(the OV circuit + direct path alone get {AtomicText.F(c.OvPlusDirectAccuracy)} of the set right, against {AtomicText.F(other.Circuits.OvPlusDirectAccuracy)} in the attention-only model).").AppendLine();
            s.AppendLine("The attention-only model's figures and CSVs are in `compare/`.").AppendLine();
        }

        s.AppendLine("## 6. Figures").AppendLine();
        s.AppendLine("`sample_probs.png` (probability of the correct next token, first 50 sequences) and `attn_pattern.png` (attention of the first sequence holding a trigram), as in the worklog.");
        var text = s.ToString();
        AtomicText.Write(Path.Combine(outDir, "report.md"), text);
        return text;
    }

    private static string Num(double v) => Math.Abs(v - Math.Round(v)) < 1e-12 && Math.Abs(v) < 1e9 ? ((long)Math.Round(v)).ToString(System.Globalization.CultureInfo.InvariantCulture) : AtomicText.F(v, 5);

    private static string Signed(int v) => v >= 0 ? $"+{v}" : v.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
