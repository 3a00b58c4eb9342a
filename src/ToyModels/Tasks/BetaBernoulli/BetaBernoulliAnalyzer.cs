using Probing.ToyModels.Analysis;
using System.Text;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// Analyses 0–6 of a beta-Bernoulli model: <see cref="Compute"/> runs them and writes nothing; <see cref="Write"/>
/// writes each as CSV + PNG, collected in <c>report.md</c>.
/// </summary>
public static class BetaBernoulliAnalyzer
{
    /// <summary>Runs every analysis; writes nothing.</summary>
    /// <param name="model">The model to analyse.</param>
    /// <param name="data">The data it was trained on.</param>
    /// <param name="nLayers">Its number of blocks (to name the residual hooks).</param>
    /// <param name="options">Analysis sizes.</param>
    /// <param name="header">Markdown lines describing the model and checkpoint, placed at the top of the report.</param>
    /// <param name="cancel">Stops between analyses.</param>
    public static BetaBernoulliAnalysisResult Compute(IHookedSequenceModel model, BetaBernoulliDataOptions data, int nLayers,
        BetaBernoulliAnalysisOptions options, IReadOnlyList<string> header, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(header);
        if (model.DVocab != data.DVocab)
            throw new ArgumentException($"the model has d_vocab {model.DVocab} but the data needs {data.DVocab} (BOS {(data.Bos ? "on" : "off")}); analyse with the data options the model was trained on.");
        var reference = new BetaBernoulliReference(data);
        var hooks = model.VectorHooks;
        var finalResid = $"blocks.{nLayers - 1}.hook_resid_post";
        var stageHooks = new List<string> { "blocks.0.hook_resid_pre" };
        for (var l = 0; l < nLayers; l++) stageHooks.AddRange([$"blocks.{l}.hook_resid_mid", $"blocks.{l}.hook_resid_post"]);

        var prefixes = BetaBernoulliCollector.Enumerate(model, data, options.MaxEnumeratedFlips, options.ResidualMaxFlips, [finalResid], cancel);
        var samples = BetaBernoulliCollector.Sample(model, data, reference, options.ProbeSequences, options.Seed, hooks, cancel);
        var loss = ExactLossAnalysis.Run(prefixes, reference);
        var calibration = CalibrationAnalysis.Run(prefixes, reference);
        var permutation = PermutationAnalysis.Run(prefixes, finalResid);
        var flip = FlipSymmetryAnalysis.Run(prefixes, reference);
        cancel.ThrowIfCancellationRequested();
        var probes = ProbeAnalysis.Run(samples, hooks, options.RidgeLambda, options.Seed);
        var zHook = "blocks.0.attn.hook_z";
        var hookZ = samples.Features.ContainsKey(zHook) ? HookZAnalysis.Run(samples, zHook) : null;
        var resid = ResidualStreamAnalysis.Run(samples, stageHooks);
        return new BetaBernoulliAnalysisResult(loss, calibration, permutation, flip, probes, hookZ, resid, header);
    }

    /// <summary>Writes every analysis of <paramref name="result"/> into <paramref name="outDir"/> (created) and <c>report.md</c>; returns the report sections in order.</summary>
    public static IReadOnlyList<ReportFigure> Write(BetaBernoulliAnalysisResult result, string outDir)
    {
        ArgumentNullException.ThrowIfNull(result);
        Directory.CreateDirectory(outDir);
        var figures = new List<ReportFigure>
        {
            result.Loss.Write(outDir), result.Calibration.Write(outDir), result.Permutation.Write(outDir), result.FlipSymmetry.Write(outDir), result.Probes.Write(outDir),
        };
        if (result.HookZ is not null) figures.Add(result.HookZ.Write(outDir));
        figures.Add(result.ResidualStream.Write(outDir));
        AnalysisFiles.WriteText(Path.Combine(outDir, "report.md"), Render("Beta-Bernoulli analysis", result.Header, figures));
        return figures;
    }

    /// <summary>Renders a report: a header, then per figure its question, numeric answer, optional table and plots.</summary>
    public static string Render(string title, IReadOnlyList<string> header, IReadOnlyList<ReportFigure> figures)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(figures);
        var sb = new StringBuilder();
        sb.AppendLine($"# {title}").AppendLine();
        foreach (var line in header) sb.AppendLine(line);
        sb.AppendLine();
        foreach (var f in figures)
        {
            sb.AppendLine($"## {f.Title}").AppendLine();
            sb.AppendLine($"**Question.** {f.Question}").AppendLine();
            sb.AppendLine($"**Answer.** {f.Answer}").AppendLine();
            if (f.Table is not null) sb.AppendLine(f.Table);
            foreach (var png in f.Pngs) sb.AppendLine($"![{f.Title}]({png})").AppendLine();
            sb.AppendLine($"Data: [{f.Csv}]({f.Csv})").AppendLine();
        }

        return sb.ToString();
    }
}
