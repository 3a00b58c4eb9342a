using Probing.ToyModels.Tasks.Trigram;
using Probing.ToyModels.Tasks.Trigram.Analysis;

namespace Probing.ToyModels.Tests.Trigram.Reference;

/// <summary>
/// The weights of a 1-layer, 1-head transformer without LayerNorm (the trigram presets), as row-major
/// float arrays in TransformerLens layout with the head axis dropped. Analyses run on these, so they can be
/// checked on hand-built models and need no TorchSharp.
/// </summary>
/// <param name="DVocab"><c>d_vocab</c>.</param>
/// <param name="NCtx"><c>n_ctx</c>.</param>
/// <param name="DModel"><c>d_model</c>.</param>
/// <param name="DHead"><c>d_head</c>.</param>
/// <param name="DMlp"><c>d_mlp</c>; 0 for an attention-only model.</param>
/// <param name="ActFn"><c>act_fn</c>: relu, gelu_new or silu.</param>
/// <param name="WE"><c>W_E</c> [d_vocab, d_model].</param>
/// <param name="WPos"><c>W_pos</c> [n_ctx, d_model].</param>
/// <param name="WQ"><c>W_Q</c> [d_model, d_head].</param>
/// <param name="BQ"><c>b_Q</c> [d_head].</param>
/// <param name="WK"><c>W_K</c> [d_model, d_head].</param>
/// <param name="BK"><c>b_K</c> [d_head].</param>
/// <param name="WV"><c>W_V</c> [d_model, d_head].</param>
/// <param name="BV"><c>b_V</c> [d_head].</param>
/// <param name="WO"><c>W_O</c> [d_head, d_model].</param>
/// <param name="BO"><c>b_O</c> [d_model].</param>
/// <param name="WIn"><c>W_in</c> [d_model, d_mlp] (empty when attention-only).</param>
/// <param name="BIn"><c>b_in</c> [d_mlp].</param>
/// <param name="WOut"><c>W_out</c> [d_mlp, d_model].</param>
/// <param name="BOut"><c>b_out</c> [d_model].</param>
/// <param name="WU"><c>W_U</c> [d_model, d_vocab].</param>
/// <param name="BU"><c>b_U</c> [d_vocab].</param>
internal sealed record OneLayerWeights(
    int DVocab, int NCtx, int DModel, int DHead, int DMlp, string ActFn,
    float[] WE, float[] WPos,
    float[] WQ, float[] BQ, float[] WK, float[] BK, float[] WV, float[] BV, float[] WO, float[] BO,
    float[] WIn, float[] BIn, float[] WOut, float[] BOut,
    float[] WU, float[] BU)
{
    /// <summary>Whether the model has an MLP.</summary>
    public bool HasMlp => DMlp > 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first array whose length does not match the dimensions.</summary>
    public void Validate()
    {
        Check(WE, DVocab * DModel, "W_E");
        Check(WPos, NCtx * DModel, "W_pos");
        Check(WQ, DModel * DHead, "W_Q"); Check(BQ, DHead, "b_Q");
        Check(WK, DModel * DHead, "W_K"); Check(BK, DHead, "b_K");
        Check(WV, DModel * DHead, "W_V"); Check(BV, DHead, "b_V");
        Check(WO, DHead * DModel, "W_O"); Check(BO, DModel, "b_O");
        Check(WIn, DModel * DMlp, "W_in"); Check(BIn, DMlp, "b_in");
        Check(WOut, DMlp * DModel, "W_out"); Check(BOut, HasMlp ? DModel : 0, "b_out");
        Check(WU, DModel * DVocab, "W_U"); Check(BU, DVocab, "b_U");
        if (ActFn is not ("relu" or "gelu_new" or "silu") && HasMlp)
            throw new NotSupportedException($"act_fn '{ActFn}' is not supported by the trigram analyses; use relu, gelu_new or silu.");
    }

    private static void Check(float[] array, int expected, string name)
    {
        if (array is null || array.Length != expected)
            throw new ArgumentException($"{name} has {array?.Length ?? 0} values but the dimensions need {expected}; the checkpoint does not match its config.");
    }
}
