using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Probing.IclHarness.Gguf;
using Probing.IclHarness.Llama;

namespace Probing.Cli;

/// <summary><c>probe lens</c>: the logit lens of a prompt on a GGUF model.</summary>
public static class LensCommand
{
    /// <summary>Builds the <c>lens</c> command.</summary>
    public static Command Create(CliContext context)
    {
        var modelOption = new Option<string>("--model", "-m") { Description = "The GGUF model file.", Required = true };
        var promptOption = new Option<string>("--prompt", "-p") { Description = "The prompt text.", Required = true };
        var topOption = new Option<int>("--top") { Description = "Tokens per layer in the table and the CSV.", DefaultValueFactory = _ => 5 };
        var outOption = new Option<string?>("--out", "-o") { Description = "Folder for lens.csv, lens.png and run.json (default: results/lens-<time>)." };
        var ctxOption = new Option<int>("--ctx") { Description = "Context size in tokens.", DefaultValueFactory = _ => 2048 };
        var threadsOption = new Option<int>("--threads") { Description = "CPU threads (0 = all cores).", DefaultValueFactory = _ => 0 };
        var command = new Command("lens",
            "Logit lens: read every layer's residual stream (l_out) through the final norm and unembedding. " +
            "Prints the top tokens per layer at the last position; writes a CSV and a PNG heatmap of the probability of the model's final prediction per layer and position.");
        foreach (var option in new Option[] { modelOption, promptOption, topOption, outOption, ctxOption, threadsOption }) command.Add(option);
        command.SetAction(parsed =>
        {
            var prompt = parsed.GetValue(promptOption) ?? "";
            if (prompt.Length == 0) throw new UsageException("empty prompt: pass the text to analyse with --prompt \"...\".");
            var top = parsed.GetValue(topOption);
            if (top < 1) throw new UsageException($"--top must be at least 1, not {top}.");
            var modelPath = parsed.GetValue(modelOption)!;
            using var model = LlamaModel.Load(modelPath);
            var lens = LogitLens.Create(model); // refuses unknown architectures before any work
            using var llama = model.CreateContext(new LlamaContextOptions { ContextSize = parsed.GetValue(ctxOption), Threads = parsed.GetValue(threadsOption) });
            var tokens = model.Tokenize(prompt);
            var report = LensReport.Compute(llama, lens, tokens, top);

            PrintTable(context.Out, model, report);
            var folder = parsed.GetValue(outOption) ?? Path.Combine("results", "lens-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);
            WriteAtomically(Path.Combine(folder, "lens.csv"), report.ToCsv(id => TokenText.Readable(model, id)));
            LensHeatmap.SavePng(report, $"logit lens: p({ModelTokenizeCommand.Show(TokenText.Readable(model, report.FinalToken))}) per layer", Path.Combine(folder, "lens.png"));
            var run = new
            {
                command = "lens",
                model = Path.GetFullPath(modelPath),
                model_sha256 = GgufModelSummary.Sha256Of(modelPath),
                architecture = model.Info.Architecture,
                prompt,
                tokens = tokens.Length,
                top,
                ctx = llama.ContextSize,
                threads = parsed.GetValue(threadsOption),
                final_token = report.FinalToken,
                probe_version = typeof(LensCommand).Assembly.GetName().Version?.ToString(),
                llama_cpp = $"{Probing.IclHarness.HarnessInfo.LlamaCppPackage} (llama.cpp {Probing.IclHarness.HarnessInfo.LlamaCppCommit})",
            };
            WriteAtomically(Path.Combine(folder, "run.json"), JsonSerializer.Serialize(run, new JsonSerializerOptions { WriteIndented = true }));
            context.Error.WriteLine($"wrote {Path.Combine(folder, "lens.csv")}, lens.png and run.json");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void PrintTable(TextWriter output, LlamaModel model, LensReport report)
    {
        var last = report.Tokens.Count - 1;
        output.WriteLine($"logit lens at the last position ({last}, token {ModelTokenizeCommand.Show(report.Tokens[last].Piece)}); " +
                         $"model predicts {ModelTokenizeCommand.Show(TokenText.Readable(model, report.FinalToken))}");
        output.WriteLine($"{"layer",5}  {"p(final)",8}  top tokens");
        string Cells(IEnumerable<TopToken> tokens) =>
            string.Join("  ", tokens.Select(t => $"{ModelTokenizeCommand.Show(TokenText.Readable(model, t.Id))} {Math.Exp(t.LogProb).ToString("F3", CultureInfo.InvariantCulture)}"));
        for (var layer = 0; layer < report.LayerCount; layer++)
            output.WriteLine($"{layer,5}  {report.FinalTokenProbability[layer, last].ToString("F3", CultureInfo.InvariantCulture),8}  {Cells(report.Top[layer][last])}");
        output.WriteLine($"{"model",5}  {Math.Exp(report.ModelTop[0].LogProb).ToString("F3", CultureInfo.InvariantCulture),8}  {Cells(report.ModelTop)}");
    }

    internal static void WriteAtomically(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
