using Probing.ToyModels.Analysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Probing.ToyModels.Model;
using Probing.ToyModels.Training;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// The beta-Bernoulli task (seed 000): predict the next coin flip of a coin whose bias p ~ Beta(α, β) is
/// drawn per sequence. Options: <c>alpha</c>, <c>beta</c> (default 1, 1), <c>bos</c> (default true: d_vocab 3),
/// <c>mixture</c> (e.g. <c>"0.5:1:1,0.5:10:2"</c>, overrides α/β), <c>eval_batch</c> (default 4096).
/// </summary>
public sealed class BetaBernoulliTask : IToyTask
{
    /// <summary>The task name given to <c>--task</c>.</summary>
    public const string TaskName = "beta-bernoulli";

    /// <inheritdoc />
    public string Name => TaskName;

    /// <inheritdoc />
    public string Description => "Coin flips with p ~ Beta(α, β) per sequence; compared with the exact Bayes-optimal predictor (seed 000).";

    /// <inheritdoc />
    public IReadOnlyList<ToyPreset> Presets { get; } = BetaBernoulliPresets.All;

    /// <inheritdoc />
    public IToyAnalysis? Analysis { get; } = new BetaBernoulliToyAnalysis();

    /// <inheritdoc />
    public IToyTaskData Bind(JsonObject options, int nCtx)
    {
        var (data, evalBatch) = ReadOptions(options, nCtx);
        return new BetaBernoulliTaskData(data, evalBatch);
    }

    /// <summary>Reads the task options (unknown fields throw) into data options and the eval batch size.</summary>
    public static (BetaBernoulliDataOptions Data, int EvalBatch) ReadOptions(JsonObject? options, int nCtx)
    {
        options ??= [];
        var reader = new TaskOptions(TaskName, options, "alpha", "beta", "bos", "mixture", "eval_batch");
        var bos = true;
        if (options["bos"] is JsonNode b)
        {
            if (b.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                throw new ArgumentException($"Task option {TaskName}.bos must be true or false; got {b.ToJsonString()}.");
            bos = b.GetValue<bool>();
        }

        IReadOnlyList<BetaMixtureComponent>? mixture = null;
        if (options["mixture"] is JsonNode m)
        {
            if (m.GetValueKind() != JsonValueKind.String)
                throw new ArgumentException($"Task option {TaskName}.mixture must be a string such as \"0.5:1:1,0.5:10:2\"; got {m.ToJsonString()}.");
            mixture = BetaBernoulliDataOptions.ParseMixture(m.GetValue<string>());
        }

        var data = new BetaBernoulliDataOptions
        {
            Alpha = reader.Double("alpha", 1.0, 1e-6, 1e6),
            Beta = reader.Double("beta", 1.0, 1e-6, 1e6),
            Bos = bos,
            Mixture = mixture,
            NCtx = nCtx,
        };
        data.Validate();
        return (data, reader.Int("eval_batch", 4096, 1, 1_000_000));
    }
}
