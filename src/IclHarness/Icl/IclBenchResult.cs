namespace Probing.IclHarness.Icl;

/// <summary>The result of <see cref="IclBench.Run"/>.</summary>
/// <param name="Contexts">Contexts measured.</param>
/// <param name="Examples">Examples per context.</param>
/// <param name="Tokens">Tokens decoded per pass.</param>
/// <param name="BatchedDefault">Whether the default mode decodes all contexts in one batch (else one decode per context).</param>
/// <param name="Plain">llama.cpp decode of the same tokens, same batches, logits of each sequence's last token only.</param>
/// <param name="Harness">The harness's measurement pass (surprisal, rank, greedy), lens off, in the default mode.</param>
/// <param name="HarnessLens">The same with the logit lens at every layer.</param>
/// <param name="HarnessOtherMode">The measurement pass in the other mode (see <see cref="BatchedDefault"/>).</param>
public sealed record IclBenchResult(int Contexts, int Examples, int Tokens, bool BatchedDefault,
    IclBenchTiming Plain, IclBenchTiming Harness, IclBenchTiming HarnessLens, IclBenchTiming HarnessOtherMode)
{
    /// <summary>The target of issue #4: the harness costs at most this many plain decodes.</summary>
    public const double TargetRatio = 1.3;
}
