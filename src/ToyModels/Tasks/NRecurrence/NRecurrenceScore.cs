namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>
/// A model's and the ideal observer's next-token losses on the same sequences, per position. Position j is the
/// prediction of x_{j+1} from x_0 … x_j; a <i>scored target</i> is a position whose next token is a target
/// position p with p ≥ 3·n_p (the observer has seen the rule at least three times by then, if nothing changed).
/// </summary>
/// <param name="ModelLoss">[sequences][n_ctx]: −ln q(x_{j+1} | x_0 … x_j) under the model.</param>
/// <param name="IdealLoss">[sequences][n_ctx]: the observer's loss at the same positions.</param>
/// <param name="ScoredTarget">[sequences][n_ctx]: whether x_{j+1} is a target position beyond 3n.</param>
public sealed record NRecurrenceScore(double[][] ModelLoss, double[][] IdealLoss, bool[][] ScoredTarget)
{
    /// <summary>Number of positions per sequence.</summary>
    public int Positions => ModelLoss.Length == 0 ? 0 : ModelLoss[0].Length;

    /// <summary>Mean model loss over every position of every sequence (nats).</summary>
    public double LossNats => Mean(ModelLoss, null);

    /// <summary>Mean observer loss over every position (nats).</summary>
    public double IdealLossNats => Mean(IdealLoss, null);

    /// <summary>Mean model loss over scored target positions (NaN when there are none).</summary>
    public double TargetLossNats => Mean(ModelLoss, ScoredTarget);

    /// <summary>Mean observer loss over scored target positions.</summary>
    public double IdealTargetLossNats => Mean(IdealLoss, ScoredTarget);

    /// <summary>Mean model loss at position j, averaged over sequences.</summary>
    public double[] ModelLossByPosition() => ByPosition(ModelLoss);

    /// <summary>Mean observer loss at position j, averaged over sequences.</summary>
    public double[] IdealLossByPosition() => ByPosition(IdealLoss);

    /// <summary>The metrics under the keys issue 8 fixes, plus the gap.</summary>
    public Dictionary<string, double> Metrics(string prefix = "")
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [prefix + "loss_nats"] = LossNats,
            [prefix + "ideal_loss_nats"] = IdealLossNats,
        };
        if (!double.IsNaN(TargetLossNats))
        {
            metrics[prefix + "target_loss_nats"] = TargetLossNats;
            metrics[prefix + "ideal_target_loss_nats"] = IdealTargetLossNats;
        }

        return metrics;
    }

    private double[] ByPosition(double[][] loss)
    {
        var result = new double[Positions];
        foreach (var row in loss) for (var j = 0; j < result.Length; j++) result[j] += row[j];
        for (var j = 0; j < result.Length; j++) result[j] /= Math.Max(1, loss.Length);
        return result;
    }

    private static double Mean(double[][] loss, bool[][]? mask)
    {
        double sum = 0;
        long count = 0;
        for (var b = 0; b < loss.Length; b++)
        {
            for (var j = 0; j < loss[b].Length; j++)
            {
                if (mask is not null && !mask[b][j]) continue;
                sum += loss[b][j];
                count++;
            }
        }

        return count == 0 ? double.NaN : sum / count;
    }
}
