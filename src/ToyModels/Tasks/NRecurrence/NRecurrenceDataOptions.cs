using Probing.Bayes;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>
/// The bound options of the n-recurrence task: the generative process (shared with the ideal observer),
/// the context length, the optional finite training set and the evaluation batch.
/// </summary>
/// <param name="Spec">The process; <see cref="NRecurrenceSampler"/> draws from it and <see cref="NRecurrenceObserver"/> scores it.</param>
/// <param name="NCtx">The model's context length; each sequence has n_ctx + 1 tokens (inputs and next-token targets).</param>
/// <param name="TrainSequences">Size of the finite training set (0: a fresh sequence for every batch row).</param>
/// <param name="TrainSeed">Seed of the finite training set.</param>
/// <param name="EvalBatch">Sequences per evaluation (fresh ones, and as many training sequences for the train-set loss).</param>
/// <param name="LossOnTargets">Whether the training loss counts only scored targets (positions p ≥ 3·n_p, those of
/// <c>target_loss_nats</c>) instead of every position: there the rule predicts as well as memorising a finite training set
/// does, so only weight decay decides between them (the grokking setting).</param>
public sealed record NRecurrenceDataOptions(NRecurrenceSpec Spec, int NCtx, int TrainSequences, int TrainSeed, int EvalBatch, bool LossOnTargets = false)
{
    /// <summary>Whether the process is deterministic (no noise, no transitions).</summary>
    public bool IsDeterministic => Spec.PNoise == 0 && Spec.PTransition == 0;

    /// <summary>A one-line description for reports.</summary>
    public string Label =>
        $"{(IsDeterministic ? "deterministic" : "stochastic")} n-recurrence, V {Spec.VocabSize}, n {Spec.MinN}..{Spec.MaxN}, n_ctx {NCtx}" +
        (IsDeterministic ? "" : $", p_noise {Describe(Spec.PNoise)}, p_transition {Describe(Spec.PTransition)}, transitions {Spec.Transition}, fakes {Spec.FakeTarget}") +
        (Spec.TargetOutsideTargets ? "" : ", t only at target positions") +
        (TrainSequences > 0 ? $", finite training set of {TrainSequences} sequences" : ", fresh data every step") +
        (LossOnTargets ? ", loss on targets beyond 3n only" : "");

    private static string Describe(double? p) => p is { } v ? v.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) : "1/(5n)";
}
