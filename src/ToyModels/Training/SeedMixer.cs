namespace Probing.ToyModels.Training;

/// <summary>
/// Derives independent generator seeds from (seed, stream, index) so that batch k of a run can be
/// drawn without replaying batches 0..k-1: this is what makes <c>--resume</c> bit-for-bit.
/// </summary>
public static class SeedMixer
{
    /// <summary>Stream of training batches.</summary>
    public const ulong TrainStream = 0x7261696E;

    /// <summary>Stream of evaluation data.</summary>
    public const ulong EvalStream = 0x6576616C;

    /// <summary>A 31-bit seed for <see cref="Random"/> from the three inputs (SplitMix64 finalizer).</summary>
    public static int Mix(long seed, ulong stream, long index)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ stream * 0xBF58476D1CE4E5B9UL ^ (ulong)index * 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }

    /// <summary>The generator for batch <paramref name="step"/> of a run with <paramref name="seed"/>.</summary>
    public static Random ForBatch(long seed, long step) => new(Mix(seed, TrainStream, step));

    /// <summary>The generator for the evaluation after <paramref name="step"/> steps.</summary>
    public static Random ForEval(long seed, long step) => new(Mix(seed, EvalStream, step));
}
