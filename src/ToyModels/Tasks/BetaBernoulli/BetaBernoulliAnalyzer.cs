using Probing.ToyModels.Analysis;
using System.Text;

namespace Probing.ToyModels.Tasks.BetaBernoulli;

/// <summary>
/// Runs analyses 0–6 on a beta-Bernoulli model and writes each as CSV + PNG, collected in <c>report.md</c>.
/// </summary>
public static class BetaBernoulliAnalyzer
{
    /// <summary>Runs every analysis and writes the outputs into <paramref name="outDir"/>.</summary>
    /// <param name="model">The model to analyse.</param>
    /// <param name="data">The data it was trained on.</param>
    /// <param name="nLayers">Its number of blocks (to name the residual hooks).</param>
    /// <param name="outDir">Output folder (created).</param>
    /// <param name="options">Analysis sizes.</param>
    /// <param name="header">Markdown lines describing the model and checkpoint, placed at the top of the report.</param>
    /// <param name="cancel">Stops between analyses.</param>
    public static BetaBernoulliAnalysisResult Run(IHookedSequenceModel model, BetaBernoulliDataOptions data, int nLayers, string outDir,
        BetaBernoulliAnalysisOptions options, IReadOnlyList<string> header, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(header);
        if (model.DVocab != data.DVocab)
            throw new ArgumentException($"the model has d_vocab {model.DVocab} but the data needs {data.DVocab} (BOS {(data.Bos ? "on" : "off")}); analyse with the data options the model was trained on.");
        Directory.CreateDirectory(outDir);
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

        var figures = new List<ReportFigure> { loss.Write(outDir), calibration.Write(outDir), permutation.Write(outDir), flip.Write(outDir), probes.Write(outDir) };
        if (hookZ is not null) figures.Add(hookZ.Write(outDir));
        figures.Add(resid.Write(outDir));
        var reportPath = Path.Combine(outDir, "report.md");
        AnalysisFiles.WriteText(reportPath, Render("Beta-Bernoulli analysis", header, figures));
        return new BetaBernoulliAnalysisResult(loss, calibration, permutation, flip, probes, hookZ, resid, figures, reportPath);
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
