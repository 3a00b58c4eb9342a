namespace Probing.ToyModels.Analysis;

/// <summary>
/// A task's interpretability analyses of a trained checkpoint (what <c>probe toy analyze</c> runs). A task offers
/// one through <see cref="Tasks.IToyTask.Analysis"/>, next to its presets, so adding a task or an analysis is one
/// place. Prefer <see cref="ToyAnalysis{TResult}"/>: a pure computation returning a result record, and a separate writer.
/// </summary>
public interface IToyAnalysis
{
    /// <summary>The optional inputs of a <see cref="ToyAnalysisRequest"/> these analyses read; others must be left unset.</summary>
    ToyAnalysisInputs Accepts { get; }

    /// <summary>Analyses the request's checkpoint and writes CSV, PNG and report.md into <paramref name="outDir"/>.</summary>
    /// <param name="request">What to analyse.</param>
    /// <param name="outDir">Output folder (already claimed by the caller).</param>
    /// <param name="cancel">Checked between analyses; files already written stay, each one whole.</param>
    ToyAnalysisSummary Run(ToyAnalysisRequest request, string outDir, CancellationToken cancel);
}
