using Probing.ToyModels.Analysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Probing.Bayes;

namespace Probing.ToyModels.Tasks.NRecurrence;

/// <summary>
/// Deterministic and stochastic n-recurrence (seed 002): a target token t recurs every n-th position; the
/// stochastic version adds fake targets (p_noise) and rule changes (p_transition). The data come from
/// <see cref="NRecurrenceSampler"/>, the same process the ideal observer <see cref="NRecurrenceObserver"/> inverts.
/// Options: <c>vocab</c> (16), <c>min_n</c> (2), <c>max_n</c> (5), <c>stochastic</c> (false), <c>p_noise</c>,
/// <c>p_transition</c> (default 1/(5n) when stochastic, 0 otherwise), <c>target_outside_targets</c> (true),
/// <c>fake_target</c> (<c>uniform</c> | <c>recent</c>), <c>transition</c> (<c>n-and-t</c> | <c>n-only</c> | <c>t-only</c>),
/// <c>train_sequences</c> (0: fresh data), <c>train_seed</c> (0), <c>eval_batch</c> (512), <c>loss_positions</c>
/// (<c>all</c> | <c>targets</c>: train on the scored targets beyond 3n only).
/// </summary>
public sealed class NRecurrenceTask : IToyTask
{
    /// <summary>The task name given to <c>--task</c>.</summary>
    public const string TaskName = "n-recurrence";

    /// <inheritdoc />
    public string Name => TaskName;

    /// <inheritdoc />
    public string Description => "Deterministic/stochastic n-recurrence (seed 002): a token recurs every n-th position; compared with the exact Bayesian observer.";

    /// <inheritdoc />
    public IReadOnlyList<ToyPreset> Presets { get; } = NRecurrencePresets.All;

    /// <inheritdoc />
    public IToyAnalysis? Analysis { get; } = new NRecurrenceToyAnalysis();

    /// <inheritdoc />
    public IToyTaskData Bind(JsonObject options, int nCtx) => new NRecurrenceTaskData(ReadOptions(options, nCtx));

    /// <summary>Reads and validates the task options (unknown fields and contexts shorter than 3 × max n throw one-line errors).</summary>
    public static NRecurrenceDataOptions ReadOptions(JsonObject? options, int nCtx)
    {
        options ??= [];
        var reader = new TaskOptions(TaskName, options, "vocab", "min_n", "max_n", "stochastic", "p_noise", "p_transition",
            "target_outside_targets", "fake_target", "transition", "train_sequences", "train_seed", "eval_batch", "loss_positions");
        var stochastic = Bool(options, "stochastic", false);
        double? pNoise = options.ContainsKey("p_noise") ? reader.Double("p_noise", 0, 0, 1) : stochastic ? null : 0.0;
        double? pTransition = options.ContainsKey("p_transition") ? reader.Double("p_transition", 0, 0, 1) : stochastic ? null : 0.0;
        var fake = String(options, "fake_target", "uniform") switch
        {
            "uniform" => FakeTargetSource.Uniform,
            "recent" => FakeTargetSource.RecentContext,
            var other => throw new ArgumentException($"Task option {TaskName}.fake_target must be \"uniform\" or \"recent\"; got \"{other}\"."),
        };
        var transition = String(options, "transition", "n-and-t") switch
        {
            "n-and-t" => TransitionKind.NAndT,
            "n-only" => TransitionKind.NOnly,
            "t-only" => TransitionKind.TOnly,
            var other => throw new ArgumentException($"Task option {TaskName}.transition must be \"n-and-t\", \"n-only\" or \"t-only\"; got \"{other}\"."),
        };
        var lossOnTargets = String(options, "loss_positions", "all") switch
        {
            "all" => false,
            "targets" => true,
            var other => throw new ArgumentException($"Task option {TaskName}.loss_positions must be \"all\" or \"targets\"; got \"{other}\"."),
        };
        var spec = new NRecurrenceSpec(
            reader.Int("vocab", 16, 2, 4096), reader.Int("min_n", 2, 1, 1000), reader.Int("max_n", 5, 1, 1000),
            pNoise, pTransition, Bool(options, "target_outside_targets", true), fake, transition);
        spec.Validate();
        if (nCtx < spec.MinContextLength)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"n-recurrence needs a context of at least 3 × max n = {spec.MinContextLength} positions (n_ctx is {nCtx}); raise model.n_ctx or lower task.max_n."));
        return new NRecurrenceDataOptions(spec, nCtx, reader.Int("train_sequences", 0, 0, 10_000_000), reader.Int("train_seed", 0),
            reader.Int("eval_batch", 512, 1, 1_000_000), lossOnTargets);
    }

    private static bool Bool(JsonObject options, string name, bool fallback)
    {
        if (options[name] is not JsonNode node) return fallback;
        if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            throw new ArgumentException($"Task option {TaskName}.{name} must be true or false; got {node.ToJsonString()}.");
        return node.GetValue<bool>();
    }

    private static string String(JsonObject options, string name, string fallback)
    {
        if (options[name] is not JsonNode node) return fallback;
        if (node.GetValueKind() != JsonValueKind.String)
            throw new ArgumentException($"Task option {TaskName}.{name} must be a string; got {node.ToJsonString()}.");
        return node.GetValue<string>();
    }
}
