namespace Probing.IclHarness.Icl.Bench;

/// <summary>The result of <see cref="IclBench.Run"/>.</summary>
/// <param name="Contexts">Contexts measured.</param>
/// <param name="Examples">Examples per context.</param>
/// <param name="Tokens">Tokens decoded per pass.</param>
/// <param name="Plain">llama.cpp decode of the same tokens, same batches, logits of each sequence's last token only.</param>
/// <param name="Harness">The harness's measurement pass (surprisal, rank, greedy), lens off.</param>
/// <param name="HarnessLens">The same with the logit lens at every layer.</param>
public sealed record IclBenchResult(int Contexts, int Examples, int Tokens,
    IclBenchTiming Plain, IclBenchTiming Harness, IclBenchTiming HarnessLens)
{
    /// <summary>The target of issue #4: the harness costs at most this many plain decodes.</summary>
    public const double TargetRatio = 1.3;

    /// <summary>The target of issue #16: per-head attribution at every layer costs at most this many harness passes.</summary>
    public const double HeadsTargetRatio = 1.5;

    /// <summary><c>probe icl heads</c>'s work (capture of kqv_out/ffn_inp/l_out at every layer, then the attribution, lens off), as a ratio to the plain decode.</summary>
    public IclBenchTiming? Heads { get; init; }

    /// <summary>The same timing as a ratio to <see cref="Harness"/> (measured in the same rounds).</summary>
    public IclBenchTiming? HeadsToHarness { get; init; }
}
