using Probing.IclHarness.Icl.Scoring;
using Probing.IclHarness.Llama;
using Probing.Runs;

namespace Probing.IclHarness.Icl.Patching;

/// <summary>
/// The layer × position patching grid (seed 004, issue 16 part 3): the source prompt's residual after block L at each
/// position is written into the target prompt's aligned position, and the three candidates of <see cref="IclPatcher"/>
/// are scored in every cell. Positions align by offset from the end: position −k of a candidate (−1 = the position
/// that predicts its first informative token) receives the source's residual at its position −k. The prompts share
/// their x values but not their answers, so they may tokenize to different lengths; the grid then reaches back as
/// far as the shorter one, and its earliest cells pair tokens that sit at the same distance from the query, not the
/// same text. All cells of a layer are sequences of batched decodes (one KV stream each, so every cell's numbers are
/// those of its own unbatched decode).
/// </summary>
internal static class IclPatchGrid
{
    public static IclPatchGridResult Run(IScoringModel model, ModelIdentity identity, IclPatchOptions options, (long First, long Last)? positions,
        IProgress<IclProgress>? progress, CancellationToken cancellation)
    {
        var setup = IclPatcher.Prepare(model, options);
        var candidates = setup.Candidates;
        var final = setup.FinalPosition(0);
        var maxOffset = Math.Min(setup.SourcePosition, Enumerable.Range(0, candidates.Length).Min(setup.FinalPosition));
        var (first, last) = Resolve(positions, final, maxOffset);
        // Offset k from the final position is position −(k+1); earliest position first.
        var offsets = Enumerable.Range(0, last - first + 1).Select(i => -(first + i) - 1).ToArray();
        var scored = candidates.Select(c => Enumerable.Range(c.Answer.FirstAnswerToken - 1, c.Answer.CloseToken - c.Answer.FirstAnswerToken + 1).ToArray()).ToArray();

        var unpatched = Probabilities(model, candidates.Select((c, i) => new PatchedRequest(c.Tokens, null, scored[i])).ToList());
        var rows = new List<PatchRow> { new(-1, unpatched[0], unpatched[1], unpatched[2]) };
        var cells = new List<PatchGridCell>();
        var sourcePrefix = setup.SourceTokens[..(setup.SourcePosition + 1)];
        for (var layer = 0; layer < model.LayerCount; layer++)
        {
            cancellation.ThrowIfCancellationRequested();
            var residuals = model.CaptureResiduals(sourcePrefix, layer, offsets.Select(k => setup.SourcePosition - k).ToArray());
            var requests = new List<PatchedRequest>(offsets.Length * candidates.Length);
            for (var j = 0; j < offsets.Length; j++)
                for (var c = 0; c < candidates.Length; c++)
                    requests.Add(new PatchedRequest(candidates[c].Tokens, new ResidualPatch(layer, setup.FinalPosition(c) - offsets[j], residuals[j]), scored[c]));
            var p = Probabilities(model, requests);
            for (var j = 0; j < offsets.Length; j++)
            {
                var index = final - offsets[j];
                cells.Add(new PatchGridCell(layer, -offsets[j] - 1, index, model.Piece(candidates[0].Tokens[index]), p[3 * j], p[3 * j + 1], p[3 * j + 2]));
                if (offsets[j] == 0) rows.Add(new PatchRow(layer, p[3 * j], p[3 * j + 1], p[3 * j + 2]));
            }
            progress?.Report(new IclProgress("patching grid", layer + 1, model.LayerCount));
        }
        return new IclPatchGridResult(setup.Result(options, identity, rows), first, last, setup.SourcePosition + 1, final + 1, cells);
    }

    /// <summary>P(candidate) of each request, summed over its scored positions as <see cref="IclPatcher.AnswerProbability"/> does.</summary>
    private static double[] Probabilities(IScoringModel model, IReadOnlyList<PatchedRequest> requests) =>
        model.EvaluatePatchedBatch(requests).Select(logProbs =>
        {
            var sum = 0.0;
            foreach (var lp in logProbs) sum += lp;
            return Math.Exp(sum);
        }).ToArray();

    /// <summary>
    /// The span as positions counted from the end (−1 = final). <paramref name="positions"/>: both bounds negative count
    /// from the end; both non-negative are indices into the target prompt from its start; null is every position the two prompts share.
    /// </summary>
    internal static (int First, int Last) Resolve((long First, long Last)? positions, int final, int maxOffset)
    {
        var earliest = -(maxOffset + 1);
        if (positions is not { } span) return (earliest, -1);
        var (lo, hi) = span;
        var fromStart = $"{final - maxOffset}..{final}";
        if (lo < 0 != hi < 0)
            throw new ArgumentException($"Positions {lo}..{hi} mixes counting from the end (negative, -1 = the final position) and from the start (0 = first token); use {earliest}..-1 or {fromStart}").Naming("Positions");
        long first = lo, last = hi;
        if (lo >= 0) (first, last) = (lo - final - 1, hi - final - 1);
        if (first < earliest || last > -1)
            throw new ArgumentException($"Positions {lo}..{hi} is outside the positions the source and target prompts share: {earliest}..-1 from the end, or {fromStart} from the start").Naming("Positions");
        return ((int)first, (int)last);
    }
}
