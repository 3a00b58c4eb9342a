using System.Diagnostics;
using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Model;
using Probing.ToyModels.Tasks;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Probing.Runs;

namespace Probing.ToyModels.Training;

/// <summary>
/// Trains a <see cref="HookedTransformer"/> on a task with AdamW: batch k comes from a generator
/// seeded by (seed, k), each step runs in its own dispose scope, metrics go to <c>metrics.jsonl</c>,
/// and checkpoints to the run directory. Cancellation writes a checkpoint and stops; a non-finite loss
/// stops and leaves the last good checkpoint alone. The trainer never prints: it reports through
/// <see cref="IProgress{T}"/> and its <see cref="TrainingResult"/>.
/// </summary>
public sealed class ToyTrainer : IDisposable
{
    private readonly HookedTransformer _model;
    private readonly IToyTaskData _task;
    private readonly TrainingOptions _options;
    private readonly string _directory;
    private readonly List<(string Name, Parameter Parameter)> _parameters;
    private readonly AdamW _optimizer;
    private readonly Stopwatch _clock = new();
    private double _elapsedBefore;
    private double _trainLossSum;
    private long _trainLossCount;
    private double _lastLr;
    private long _checkpointStep;
    private MetricsRecord? _lastEval;
    private double _phaseSeconds;
    private readonly Device _device;

    /// <summary>Prepares a run; nothing is written until <see cref="Train"/>.</summary>
    /// <exception cref="ArgumentException">The task's vocabulary does not match the model's d_vocab.</exception>
    public ToyTrainer(HookedTransformer model, IToyTaskData task, TrainingOptions options, string runDirectory)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _task = task ?? throw new ArgumentNullException(nameof(task));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _options.Validate();
        _directory = runDirectory ?? throw new ArgumentNullException(nameof(runDirectory));
        if (task.Tokenizer.Count != model.Config.DVocab)
            throw new ArgumentException($"The task has {task.Tokenizer.Count} tokens but the model's d_vocab is {model.Config.DVocab}; set d_vocab (or the task's vocabulary option) so they match.");
        // Frozen tensors (fixed positions, llama-style zero biases) are not optimized.
        _parameters = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter)).ToList();
        _device = _parameters.Count > 0 ? _parameters[0].Parameter.device : CPU;
        _optimizer = optim.AdamW(_parameters.Select(p => p.Parameter).ToList(), options.Lr, options.Beta1, options.Beta2, options.Eps, options.WeightDecay);
    }

    /// <summary>Optimizer steps completed so far.</summary>
    public long Step { get; private set; }

    /// <summary>When set, step timings are accumulated here (for <c>probe bench toy</c>).</summary>
    public StepProfile? Profile { get; set; }

    /// <summary>When false, no checkpoints or metrics are written (benchmarks).</summary>
    public bool WriteFiles { get; init; } = true;

    /// <summary>Whether the last step always evaluates (true) or only on the <c>eval_every</c> grid (benchmarks).</summary>
    public bool EvaluateAtEnd { get; init; } = true;

    /// <summary>Test seam: transforms the loss of a step before the finiteness check (e.g. injects NaN).</summary>
    internal Func<long, Tensor, Tensor>? LossTransform { get; set; }

    /// <summary>
    /// Loads the weights, optimizer moments and counters of the checkpoint in the run directory and
    /// drops metrics and weight snapshots recorded after it, so that <see cref="Train"/> continues bit-for-bit.
    /// </summary>
    public void Resume()
    {
        var state = ToyCheckpoint.Restore(_directory, _model, _parameters, _optimizer);
        if (state.Seed != _options.Seed)
            throw new ArgumentException($"The checkpoint was trained with seed {state.Seed}, not {_options.Seed}; resume with the run's own config.");
        if (state.Step > _options.Steps)
            throw new ArgumentException($"The checkpoint is at step {state.Step}, past the {_options.Steps} steps asked for; raise Steps.").Naming("Steps");
        Step = _checkpointStep = state.Step;
        _trainLossSum = state.TrainLossSum;
        _trainLossCount = state.TrainLossCount;
        _lastLr = state.LastLr;
        _elapsedBefore = state.ElapsedSeconds;
        MetricsLog.TruncateAfter(Path.Combine(_directory, MetricsLog.FileName), state.Step);
        ModelSnapshots.DeleteAfter(_directory, state.Step);
    }

    /// <summary>Runs the remaining steps.</summary>
    public TrainingResult Train(IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (WriteFiles) Directory.CreateDirectory(_directory);
        _model.train();
        _clock.Restart();
        var rateClock = Stopwatch.StartNew();
        var rateSteps = 0L;
        var stepsPerSecond = 0.0;
        var lastLoss = double.NaN;
        while (Step < _options.Steps)
        {
            if (cancellation.IsCancellationRequested)
            {
                if (Step > _checkpointStep) WriteCheckpoint();
                var kept = _checkpointStep > 0 ? $"the checkpoint of step {_checkpointStep} is in {_directory}; resume the run to continue." : "no checkpoint was written.";
                return new TrainingResult(TrainingOutcome.Cancelled, Step, _checkpointStep, lastLoss,
                    $"Stopped at step {Step} of {_options.Steps}; {kept}");
            }

            var iterationStart = Stopwatch.GetTimestamp();
            var loss = TrainStep();
            if (!double.IsFinite(loss))
            {
                return new TrainingResult(TrainingOutcome.Diverged, Step + 1, _checkpointStep, lastLoss,
                    $"Training diverged: the loss at step {Step + 1} is {loss}. " + KeptMessage() + " Lower lr, raise warmup_steps or set grad_clip.");
            }

            Step++;
            lastLoss = loss;
            _trainLossSum += loss;
            _trainLossCount++;
            rateSteps++;
            if (rateClock.Elapsed.TotalSeconds >= 0.5)
            {
                stepsPerSecond = rateSteps / rateClock.Elapsed.TotalSeconds;
                rateSteps = 0;
                rateClock.Restart();
            }

            var stepEnd = Stopwatch.GetTimestamp();
            var last = Step == _options.Steps;
            if (Due(_options.EvalEvery, last && EvaluateAtEnd)) Evaluate();
            var checkpointDue = Due(_options.CheckpointEvery, last);
            if (checkpointDue && !WeightsFinite())
            {
                return new TrainingResult(TrainingOutcome.Diverged, Step, _checkpointStep, lastLoss,
                    $"Training diverged: the weights after step {Step} are not finite. " + KeptMessage() + " Lower lr or set grad_clip.");
            }

            // The snapshot before the checkpoint of the same step: a run stopped between the two resumes from the
            // previous checkpoint, which deletes later snapshots and takes this one again; the other order would leave a hole.
            if (_options.SnapshotEvery > 0 && Due(_options.SnapshotEvery, last) && WriteFiles) ModelSnapshots.Save(_directory, _model, Step);
            if (checkpointDue) WriteCheckpoint();

            var reportStart = Stopwatch.GetTimestamp();
            progress?.Report(new TrainingProgress(Step, _options.Steps, loss, _lastLr, stepsPerSecond > 0 ? stepsPerSecond : rateSteps / Math.Max(1e-9, rateClock.Elapsed.TotalSeconds), _lastEval));
            if (Profile is { } profile)
            {
                // Overhead: the iteration minus its measured phases (bookkeeping, scope disposal) plus the
                // progress report; periodic evaluations and checkpoints are not per-step costs.
                profile.Steps++;
                profile.Overhead += Seconds(iterationStart, stepEnd) - _phaseSeconds + Seconds(reportStart, Stopwatch.GetTimestamp());
            }
        }

        var message = double.IsNaN(lastLoss)
            ? $"The run is already at step {Step} of {_options.Steps}; nothing to train (raise Steps to extend it)."
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Trained {Step} steps; final loss {lastLoss:G4}.");
        return new TrainingResult(TrainingOutcome.Completed, Step, _checkpointStep, lastLoss, message);
    }

    private bool Due(int every, bool last) => last || (every > 0 && Step % every == 0);

    private string KeptMessage() => !WriteFiles ? "" : _checkpointStep > 0
        ? $"The last good checkpoint (step {_checkpointStep}) is kept in {_directory}."
        : "No checkpoint had been written yet.";

    // One optimizer step in its own dispose scope; returns the (pre-update) loss.
    private double TrainStep()
    {
        using var scope = NewDisposeScope();
        var t0 = Stopwatch.GetTimestamp();
        _lastLr = LearningRateSchedule.At(_options, Step);
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = _lastLr;
        var batch = _task.Sample(_options.BatchSize, SeedMixer.ForBatch(_options.Seed, Step));
        var tokens = batch.Tokens.to(_device);                                     // [batch, pos]
        var targets = batch.Targets.to(_device);                                   // [batch, pos]
        var mask = batch.LossMask.to(_device);                                     // [batch, pos]
        var t1 = Stopwatch.GetTimestamp();

        var logits = _model.forward(tokens);                    // [batch, pos, d_vocab]
        var loss = MaskedLoss.CrossEntropy(logits, targets, mask); // []
        if (LossTransform is not null) loss = LossTransform(Step, loss);
        var lossValue = loss.item<float>();
        var t2 = Stopwatch.GetTimestamp();
        if (!float.IsFinite(lossValue)) return lossValue;

        loss.backward();
        var t3 = Stopwatch.GetTimestamp();
        if (_options.GradClip > 0) nn.utils.clip_grad_norm_(_parameters.Select(p => p.Parameter), _options.GradClip);
        // Not _optimizer.step(): its Scalar temporaries can be finalized mid-call (AdamWUpdate).
        AdamWUpdate.Step(_optimizer, _options.Beta1, _options.Beta2, _options.Eps, _options.WeightDecay);
        _optimizer.zero_grad();
        var t4 = Stopwatch.GetTimestamp();
        _phaseSeconds = Seconds(t0, t4);
        if (Profile is { } profile)
        {
            profile.Data += Seconds(t0, t1);
            profile.Forward += Seconds(t1, t2);
            profile.Backward += Seconds(t2, t3);
            profile.Optimizer += Seconds(t3, t4);
        }

        return lossValue;
    }

    private static double Seconds(long from, long to) => (double)(to - from) / Stopwatch.Frequency;

    private void Evaluate()
    {
        var elapsed = _elapsedBefore + _clock.Elapsed.TotalSeconds;
        IReadOnlyDictionary<string, double> metrics;
        using (var scope = NewDisposeScope())
        using (var noGrad = no_grad())
        {
            _model.eval();
            metrics = _task.Evaluate(tokens => _model.forward(tokens.to(_device)).cpu(), SeedMixer.ForEval(_options.Seed, Step));
            _model.train();
        }

        var trainLoss = _trainLossCount > 0 ? _trainLossSum / _trainLossCount : double.NaN;
        _lastEval = new MetricsRecord(Step, _lastLr, trainLoss, elapsed, metrics);
        _trainLossSum = 0;
        _trainLossCount = 0;
        if (WriteFiles) MetricsLog.Append(Path.Combine(_directory, MetricsLog.FileName), _lastEval);
    }

    private bool WeightsFinite()
    {
        using var scope = NewDisposeScope();
        return _parameters.All(p => p.Parameter.isfinite().all().item<bool>());
    }

    private void WriteCheckpoint()
    {
        if (!WriteFiles) return;
        var adamStep = _optimizer.state_dict().State.Count > 0 ? ((AdamW.State)_optimizer.state_dict().State[0]).step : 0;
        var state = new TrainerState(TrainerState.CurrentFormat, Step, adamStep, _trainLossSum, _trainLossCount, _lastLr,
            _elapsedBefore + _clock.Elapsed.TotalSeconds, _options.Seed);
        ToyCheckpoint.Save(_directory, _model, _parameters, _optimizer, state);
        _checkpointStep = Step;
    }

    /// <inheritdoc />
    public void Dispose() => _optimizer.Dispose();
}
