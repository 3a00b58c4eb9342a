using Probing.Bayes;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>Analysis sequences with the observer's beliefs and the model's activations on them.</summary>
/// <param name="Data">The task options the checkpoint was trained with.</param>
/// <param name="Samples">Sequences of n_ctx + 1 tokens with their latent paths.</param>
/// <param name="Beliefs">The observer's filter over each whole sequence.</param>
/// <param name="Acts">The model's logits, residuals and attention patterns on the inputs.</param>
internal sealed record NRecurrenceAnalysisData(NRecurrenceDataOptions Data, NRecurrenceSample[] Samples, NRecurrenceBelief[] Beliefs, NRecurrenceActivations Acts)
{
    /// <summary>The model-vs-observer losses on these sequences.</summary>
    public NRecurrenceScore Score() => NRecurrenceScoring.Score(Samples, Beliefs, Acts.Logits, Data.NCtx, Acts.Vocab);
}
