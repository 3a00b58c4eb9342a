namespace Probing.IclHarness.Llama;

/// <summary>What a teacher-forced evaluation returns besides the next-token log-probabilities.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Default options: log-probs at every position, no top-k, no capture, no patching.</summary>
    public static EvaluationOptions Default { get; } = new();

    /// <summary>How many most likely tokens to return per position (0 = none).</summary>
    public int TopK { get; init; }

    /// <summary>Residuals to copy out, applied to every sequence of the call; null = none.</summary>
    public CaptureRequest? Capture { get; init; }

    /// <summary>Residuals to overwrite during the decode.</summary>
    public IReadOnlyList<ResidualPatch> Patches { get; init; } = [];

    /// <summary>
    /// Ask llama.cpp for logits at every position (needed for <see cref="SequenceEvaluation.NextTokenLogProbs"/>
    /// and top-k). When false only the last position and captured positions produce logits, which is
    /// cheaper for long prompts when only the final prediction matters.
    /// </summary>
    public bool AllPositions { get; init; } = true;
}
