namespace Probing.ToyModels.Analysis;

/// <summary>
/// The shape of an analysis: <see cref="Compute"/> reads the checkpoint and returns a result record without
/// writing anything; <see cref="Write"/> turns that record into files. <see cref="Run"/> does both.
/// </summary>
/// <typeparam name="TResult">The result record.</typeparam>
public abstract class ToyAnalysis<TResult> : IToyAnalysis
{
    /// <inheritdoc />
    public abstract ToyAnalysisInputs Accepts { get; }

    /// <summary>Computes every analysis of the request's checkpoint; writes nothing.</summary>
    public abstract TResult Compute(ToyAnalysisRequest request, CancellationToken cancel);

    /// <summary>Writes <paramref name="result"/> (CSV, PNG, report.md) into <paramref name="outDir"/> and summarises it.</summary>
    public abstract ToyAnalysisSummary Write(TResult result, string outDir, CancellationToken cancel);

    /// <inheritdoc />
    public ToyAnalysisSummary Run(ToyAnalysisRequest request, string outDir, CancellationToken cancel) => Write(Compute(request, cancel), outDir, cancel);
}
