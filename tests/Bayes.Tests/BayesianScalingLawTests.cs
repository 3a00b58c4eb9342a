using Probing.Bayes;

namespace Probing.Bayes.Tests;

public sealed class BayesianScalingLawTests
{
    [Fact]
    public void GivenKEqualsOne_WhenPredict_ThenEqualsDiscreteObserverOverTheTasks()
    {
        double[] priors = [0.2, 0.5, 0.3];
        double[] probabilities = [0.95, 0.4, 0.05];
        var law = new BayesianScalingLaw(priors, probabilities, 1.0);
        // Each latent task m gives every correct example probability P_m.
        var observer = new DiscreteHypothesisObserver<double, bool>(probabilities, (p, _) => p, priors);

        for (var n = 0; n < 12; n++)
        {
            var p = observer.Observe(true);
            Assert.Equal(-Math.Log(p), law.PredictNll(n), 12);
        }
    }

    [Fact]
    public void GivenOneTask_WhenPredict_ThenConstantNll() =>
        Assert.Equal(-Math.Log(0.3), new BayesianScalingLaw([1.0], [0.3], 2.0).PredictNll(17), 14);

    [Fact]
    public void GivenCurveFromKnownLaw_WhenFit_ThenReproducesTheCurveAndExtrapolates()
    {
        var truth = new BayesianScalingLaw([0.3, 0.7], [0.9, 0.2], 1.5);
        var shots = Enumerable.Range(0, 16).Select(n => (double)n).ToArray();
        var nll = shots.Select(truth.PredictNll).ToArray();

        var fit = BayesianScalingLawFitter.Fit(shots, nll, tasks: 2);

        Assert.True(fit.Rmse < 1e-3, $"RMSE {fit.Rmse}");
        Assert.Equal(truth.PredictNll(25), fit.Law.PredictNll(25), 2);
        Assert.Equal(1.0, fit.Law.Priors.Sum(), 12);
    }

    [Fact]
    public void GivenTooFewPoints_WhenFit_ThenArgumentException() =>
        Assert.Throws<ArgumentException>(() => BayesianScalingLawFitter.Fit([0, 1], [1.0, 0.5], tasks: 2));
}
