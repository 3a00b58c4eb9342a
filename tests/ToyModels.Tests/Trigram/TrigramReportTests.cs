using Probing.ToyModels.Tasks.Trigram;
using Probing.ToyModels.Tasks.Trigram.Analysis;
using Probing.ToyModels.Tests.Trigram.Reference;

namespace Probing.ToyModels.Tests.Trigram;

public sealed class TrigramReportTests
{
    [Fact]
    public void GivenHandBuiltSolver_WhenFullAnalysisRuns_ThenEveryCsvAndPngIsWrittenAndTheReportStatesTheNumbers()
    {
        var dir = Directory.CreateTempSubdirectory("trigram-report-").FullName;
        try
        {
            using var model = ReferenceModel.ToHookedTransformer(HandBuiltTrigramModel.Build());
            var dataset = new TrigramDataset(HandBuiltTrigramModel.Set, HandBuiltTrigramModel.T, 0.05);
            var batch = dataset.Sample(100, new Random(4));
            var main = TrigramAnalysisWriter.Write(TrigramAnalysis.Compute(model, dataset, batch, "hand-built"), dataset, batch, dir);
            var other = TrigramAnalysisWriter.Write(TrigramAnalysis.Compute(model, dataset, batch, "copy"), dataset, batch, Path.Combine(dir, "compare"));
            var text = TrigramReport.Write(dir, main, other, "memory");

            foreach (var f in main.Files)
            {
                var info = new FileInfo(Path.Combine(dir, f));
                Assert.True(info.Exists && info.Length > 0, f);
                if (f.EndsWith(".png", StringComparison.Ordinal))
                    Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(info.FullName).Take(4));
            }
            Assert.Contains("report.md", Directory.GetFiles(dir).Select(Path.GetFileName));
            Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));
            Assert.Contains("the sets are **equal**", text);
            Assert.Contains($"| full model | {batch.CompletionPositions.Count} |", text);
            Assert.Contains("What the MLP contributes", text);
            var csv = File.ReadAllLines(Path.Combine(dir, "ov_trigrams.csv"));
            Assert.Equal(1 + HandBuiltTrigramModel.Set.Count, csv.Length);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
