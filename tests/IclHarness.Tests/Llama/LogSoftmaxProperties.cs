using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Probing.IclHarness.Llama;

namespace Probing.IclHarness.Tests.Llama;

public sealed class LogSoftmaxProperties
{
    private static float[] Logits(NonEmptyArray<NormalFloat> values) => values.Get.Select(v => (float)Math.Clamp(v.Get, -80, 80)).ToArray();

    [Property]
    public bool GivenAnyLogits_WhenLogSoftmaxed_ThenProbabilitiesSumToOne(NonEmptyArray<NormalFloat> values)
    {
        var logProbs = LogSoftmax.Full(Logits(values));
        return Math.Abs(logProbs.Sum(Math.Exp) - 1) < 1e-9 && logProbs.All(lp => lp <= 1e-12);
    }

    [Property]
    public bool GivenAnyLogits_WhenShiftedByAConstant_ThenLogProbsDoNotChange(NonEmptyArray<NormalFloat> values, NormalFloat shift)
    {
        var logits = Logits(values);
        var c = (float)Math.Clamp(shift.Get, -10, 10);
        var shifted = logits.Select(x => x + c).ToArray();
        var a = LogSoftmax.Full(logits);
        var b = LogSoftmax.Full(shifted);
        return a.Zip(b, (x, y) => Math.Abs(x - y) < 1e-4).All(ok => ok);
    }

    [Property]
    public bool GivenAnyLogits_WhenTopK_ThenItIsTheSortedPrefixOfTheFullDistribution(NonEmptyArray<NormalFloat> values, PositiveInt k)
    {
        var logits = Logits(values);
        var top = LogSoftmax.TopK(logits, k.Get, LogSoftmax.LogSumExp(logits));
        var expected = logits.Select((x, i) => (x, i)).OrderByDescending(p => p.x).ThenBy(p => p.i).Take(k.Get).ToArray();
        return top.Length == expected.Length && top.Zip(expected, (t, e) => logits[t.Id] == e.x).All(ok => ok)
            && top.Zip(top.Skip(1), (a, b) => a.LogProb >= b.LogProb).All(ok => ok);
    }

    [Property]
    public bool GivenAnyLogits_WhenRowStatisticsAreTakenInTwoPasses_ThenTheyAreBitForBitTheScalarArgMaxRankAndLogSumExp(NonEmptyArray<NormalFloat> values, NonNegativeInt target, bool ties)
    {
        // Ties and vector-width tails matter: repeat the row so it spans several vectors, and copy the max onto a later id.
        var row = Logits(values);
        var logits = Enumerable.Range(0, 1 + 37 / row.Length).SelectMany(_ => row).ToArray();
        if (ties) logits[^1] = logits.Max();
        var token = target.Get % logits.Length;
        var statistics = LogSoftmax.Statistics(logits, token);
        return statistics.ArgMax == ScalarArgMax(logits) && statistics.Rank == ScalarRank(logits, token)
            && BitConverter.DoubleToInt64Bits(statistics.LogSumExp) == BitConverter.DoubleToInt64Bits(ScalarLogSumExp(logits))
            && LogSoftmax.ArgMax(logits) == ScalarArgMax(logits) && LogSoftmax.Rank(logits, token) == ScalarRank(logits, token)
            && BitConverter.DoubleToInt64Bits(LogSoftmax.LogSumExp(logits)) == BitConverter.DoubleToInt64Bits(ScalarLogSumExp(logits));
    }

    // The scalar definitions the harness's numbers were first computed with.
    private static int ScalarArgMax(float[] logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    private static int ScalarRank(float[] logits, int token) => 1 + logits.Count(x => x > logits[token]);

    private static double ScalarLogSumExp(float[] logits)
    {
        var max = double.NegativeInfinity;
        foreach (var x in logits) if (x > max) max = x;
        var sum = 0.0;
        foreach (var x in logits) sum += Math.Exp(x - max);
        return max + Math.Log(sum);
    }
}
