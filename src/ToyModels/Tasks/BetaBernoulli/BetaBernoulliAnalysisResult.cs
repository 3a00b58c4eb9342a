using Probing.ToyModels.Analysis;
namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>Everything one run of the beta-Bernoulli analyses computed.</summary>
/// <param name="Loss">Exact expected loss against Bayes.</param>
/// <param name="Calibration">Analysis 1.</param>
/// <param name="Permutation">Analysis 2.</param>
/// <param name="FlipSymmetry">Analysis 3.</param>
/// <param name="Probes">Analysis 4.</param>
/// <param name="HookZ">Analysis 5 (null without a d_head = 1 attention head).</param>
/// <param name="ResidualStream">Analysis 6.</param>
/// <param name="Header">Markdown lines describing the model and checkpoint, for the top of the report.</param>
public sealed record BetaBernoulliAnalysisResult(
    ExactLossAnalysis Loss,
    CalibrationAnalysis Calibration,
    PermutationAnalysis Permutation,
    FlipSymmetryAnalysis FlipSymmetry,
    ProbeAnalysis Probes,
    HookZAnalysis? HookZ,
    ResidualStreamAnalysis ResidualStream,
    IReadOnlyList<string> Header);
