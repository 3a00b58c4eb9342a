using Probing.ToyModels.Analysis;
using Probing.ToyModels.Tasks.BetaBernoulli;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>
/// Classification with the beta-Bernoulli task's <see cref="RidgeProbe"/>: one ridge regression per class on the
/// one-hot label, arg-max over classes on the held-out rows. The held-out rows and the standardisation are the ones
/// <see cref="RidgeProbe.Fit"/> uses (same seed and fraction), so the probe is scored on rows it never saw.
/// </summary>
internal static class ProbeClassifier
{
    public const double TrainFraction = 0.8;
    public const int Seed = 0;

    /// <summary>Held-out accuracy of predicting <paramref name="labels"/> (0 … classes−1) from the features.</summary>
    public static double HeldOutAccuracy(float[] x, int width, int[] labels, int classes)
    {
        var rows = labels.Length;
        var (train, test) = Split(rows);
        var (mean, std) = Standardisation(x, width, train);
        var scores = new double[test.Length, classes];
        for (var c = 0; c < classes; c++)
        {
            var y = labels.Select(l => l == c ? 1.0 : 0.0).ToArray();
            var probe = RidgeProbe.Fit(x, width, y, trainFraction: TrainFraction, seed: Seed);
            for (var i = 0; i < test.Length; i++) scores[i, c] = Predict(probe, x, width, test[i], mean, std);
        }

        var hits = 0;
        for (var i = 0; i < test.Length; i++)
        {
            var best = 0;
            for (var c = 1; c < classes; c++) if (scores[i, c] > scores[i, best]) best = c;
            if (best == labels[test[i]]) hits++;
        }

        return (double)hits / test.Length;
    }

    /// <summary>The probe's prediction for row <paramref name="r"/> (its weights act on standardised features).</summary>
    public static double Predict(RidgeProbe probe, float[] x, int width, int r, double[] mean, double[] std)
    {
        var p = probe.Intercept;
        for (var c = 0; c < width; c++) p += probe.Weights[c] * (x[r * width + c] - mean[c]) / std[c];
        return p;
    }

    /// <summary>The train/held-out split <see cref="RidgeProbe.Fit"/> makes for <paramref name="rows"/> rows.</summary>
    public static (int[] Train, int[] Test) Split(int rows)
    {
        var order = Enumerable.Range(0, rows).ToArray();
        new Random(Seed).Shuffle(order);
        var nTrain = Math.Clamp((int)Math.Round(rows * TrainFraction), 2, rows - 2);
        return (order[..nTrain], order[nTrain..]);
    }

    /// <summary>Per-feature mean and standard deviation on the training rows (1 for constant features).</summary>
    public static (double[] Mean, double[] Std) Standardisation(float[] x, int width, int[] train)
    {
        var mean = new double[width];
        var std = new double[width];
        foreach (var r in train) for (var c = 0; c < width; c++) mean[c] += x[r * width + c];
        for (var c = 0; c < width; c++) mean[c] /= train.Length;
        foreach (var r in train) for (var c = 0; c < width; c++) std[c] += (x[r * width + c] - mean[c]) * (x[r * width + c] - mean[c]);
        for (var c = 0; c < width; c++) std[c] = Math.Sqrt(std[c] / train.Length) is var s && s > 1e-12 ? s : 1.0;
        return (mean, std);
    }
}
