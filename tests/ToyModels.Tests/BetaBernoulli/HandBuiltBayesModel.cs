using Probing.ToyModels.Analysis;
using Probing.ToyModels.Tasks.BetaBernoulli;

namespace Probing.ToyModels.Tests.BetaBernoulli;

/// <summary>
/// A hand-built "model" with known answers: it predicts (H + α + tilt·(2·last − 1))/(N + α + β + extra) and
/// exposes a residual [posterior, N, residTilt·last] and a one-number hook_z equal to the posterior mean.
/// </summary>
internal sealed class HandBuiltBayesModel(BetaBernoulliDataOptions data, double extraDenominator = 0, double tilt = 0, double residTilt = 0) : IHookedSequenceModel
{
    public int DVocab => data.DVocab;

    public int NCtx => data.NCtx;

    public IReadOnlyList<string> VectorHooks { get; } = ["blocks.0.attn.hook_z", "blocks.0.hook_resid_post"];

    public HookedRun Run(long[] tokens, int batch, int seqLen, IReadOnlyCollection<string> hooks)
    {
        var logits = new float[batch * seqLen * DVocab];
        var z = new float[batch * seqLen];
        var resid = new float[batch * seqLen * 3];
        for (var b = 0; b < batch; b++)
        {
            var heads = 0;
            for (var j = 0; j < seqLen; j++)
            {
                var t = tokens[b * seqLen + j];
                if (t == 1) heads++;
                var n = data.FlipsSeenAt(j);
                var last = t == 1 ? 1 : 0;
                var posterior = (heads + data.Alpha) / (n + data.Alpha + data.Beta);
                var q = (heads + data.Alpha + (t == 2 ? 0 : tilt * (2 * last - 1))) / (n + data.Alpha + data.Beta + extraDenominator);
                var row = (b * seqLen + j) * DVocab;
                logits[row] = (float)Math.Log(1 - q);
                logits[row + 1] = (float)Math.Log(q);
                if (DVocab == 3) logits[row + 2] = -60f;
                z[b * seqLen + j] = (float)posterior;
                resid[(b * seqLen + j) * 3] = (float)posterior;
                resid[(b * seqLen + j) * 3 + 1] = n;
                resid[(b * seqLen + j) * 3 + 2] = (float)(residTilt * last);
            }
        }

        var acts = new Dictionary<string, HookActivation>();
        if (hooks.Contains("blocks.0.attn.hook_z")) acts["blocks.0.attn.hook_z"] = new HookActivation(z, 1);
        if (hooks.Contains("blocks.0.hook_resid_post")) acts["blocks.0.hook_resid_post"] = new HookActivation(resid, 3);
        return new HookedRun(logits, acts);
    }
}
