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

    /// <summary>
    /// llama.cpp's decode of the same tokens and batches with logits at exactly the rows the harness reads (its scored
    /// rows and each sequence's last token; nothing read back), as a ratio to <see cref="Plain"/>: the LM-head arithmetic
    /// a raw decode producing the measured distributions must pay.
    /// </summary>
    public IclBenchTiming? ScoredRowsDecode { get; init; }

    /// <summary><see cref="Harness"/> as a ratio to <see cref="ScoredRowsDecode"/> (same rounds): the harness's own overhead.</summary>
    public IclBenchTiming? HarnessToScoredRowsDecode { get; init; }

    /// <summary><see cref="HarnessLens"/> as a ratio to <see cref="ScoredRowsDecode"/> (same rounds).</summary>
    public IclBenchTiming? HarnessLensToScoredRowsDecode { get; init; }

    /// <summary>Rows with logits in <see cref="ScoredRowsDecode"/> per pass (of <see cref="Tokens"/>).</summary>
    public int ScoredRows { get; init; }
}
