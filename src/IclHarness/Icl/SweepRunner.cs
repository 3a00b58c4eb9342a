using System.Globalization;
using Probing.IclHarness.Icl.Prompts;
using Probing.IclHarness.Icl.Scoring;
using Probing.Runs;

namespace Probing.IclHarness.Icl;

/// <summary>
/// The prediction sweep: a fixed context of k examples, the final x varied over a range, the LM's greedy
/// answer recorded. The shared context's KV cache is evaluated once per k and reused for every x.
/// </summary>
internal static class SweepRunner
{
    public static List<SweepPoint> Run(IScoringModel model, IclRunOptions options, ContextPlan plan, Action<int, int>? progress, CancellationToken cancellation)
    {
        var template = options.Template;
        var shots = options.EffectiveSweepShots;
        long lo = options.SweepXMin ?? options.XMin, hi = options.SweepXMax ?? options.XMax;
        var xs = Enumerable.Range(0, (int)(hi - lo + 1)).Select(i => lo + i).ToArray();
        var closeChar = template.Close[0];
        var points = new List<SweepPoint>();
        var done = 0;
        foreach (var k in shots)
        {
            cancellation.ThrowIfCancellationRequested();
            var start = k == 0 ? ZeroShotStart(model) : [];
            var sequences = xs.Select(x => (int[])[.. start, .. model.Tokenize(PromptBuilder.Query(template, plan.Examples, k, x))]).ToArray();
            var longest = sequences.Max(s => s.Length);
            if (longest > model.ContextLength)
                throw new ArgumentException($"a sweep prompt is {longest} tokens, {longest - model.ContextLength} more than the model's context of {model.ContextLength}; lower Examples or SweepShots").Naming("Examples", "SweepShots");
            var common = CommonPrefix(sequences);
            var prefix = sequences[0][..common];
            var suffixes = sequences.Select(s => s[common..]).ToList();
            var maxY = xs.Max(x => Math.Abs(ContextPlan.Evaluate(plan.Function, x)));
            var maxTokens = template.AnswerPrefix.Length + maxY.ToString(CultureInfo.InvariantCulture).Length + 4;
            var results = model.GreedyFromPrefix(prefix, suffixes, maxTokens, t => model.Piece(t).Contains(closeChar, StringComparison.Ordinal), cancellation);
            for (var i = 0; i < xs.Length; i++)
            {
                var text = string.Concat(results[i].Tokens.Select(model.Piece));
                var cut = text.IndexOf(closeChar, StringComparison.Ordinal);
                var answer = (cut >= 0 ? text[..cut] : text);
                if (template.AnswerPrefix.Length > 0 && answer.StartsWith(template.AnswerPrefix, StringComparison.Ordinal)) answer = answer[template.AnswerPrefix.Length..];
                long? yPred = long.TryParse(answer, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && answer.Trim() == answer ? v : null;
                var yTrue = ContextPlan.Evaluate(plan.Function, xs[i]);
                points.Add(new SweepPoint(k, xs[i], yTrue, answer, yPred, Math.Exp(results[i].LogProbs.Sum()), yPred is { } p ? yTrue - p : null));
            }
            progress?.Invoke(++done, shots.Count);
        }
        return points;
    }

    /// <summary>
    /// What a zero-shot prompt starts with besides the template's prefix: nothing when the tokenizer adds BOS itself;
    /// else the vocabulary's BOS token (GPT-2's and Qwen2's <c>&lt;|endoftext|&gt;</c>, the document boundary these
    /// models were trained on) when it has one, so the query is read after a start and not as the first token of a
    /// stream; else nothing (the template's prefix, when it has one, is the start).
    /// </summary>
    internal static int[] ZeroShotStart(IScoringModel model) =>
        model.BosToken is null && model.VocabularyBosToken is { } bos ? [bos] : [];

    /// <summary>Length of the longest token prefix all sequences share, leaving each at least one token to decode.</summary>
    internal static int CommonPrefix(IReadOnlyList<int[]> sequences)
    {
        var limit = sequences.Min(s => s.Length) - 1;
        var n = 0;
        while (n < limit && sequences.All(s => s[n] == sequences[0][n])) n++;
        return n;
    }
}
