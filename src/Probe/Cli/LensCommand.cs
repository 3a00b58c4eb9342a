using System.CommandLine;
using System.Globalization;
using Probing.Gguf;
using Probing.IclHarness;
using Probing.IclHarness.Llama;
using Probing.IclHarness.Reports;
using Probing.Runs;

namespace Probing.Cli;

/// <summary><c>probe lens</c>: the logit lens of a prompt on a GGUF model.</summary>
public static class LensCommand
{
    /// <summary>Builds the <c>lens</c> command.</summary>
    public static Command Create(CliContext context)
    {
        var modelOption = new Option<string?>("--model", "-m") { Description = $"The GGUF model file (default: $PROBE_MODEL, then {IclCommands.DefaultModel}, as for probe icl)." };
        var promptOption = new Option<string>("--prompt", "-p") { Description = "The prompt text.", Required = true };
        var topOption = new Option<int>("--top") { Description = "Tokens per layer in the table and the CSV.", DefaultValueFactory = _ => 5 };
        var outOption = new Option<string?>("--out", "-o") { Description = "Folder for lens.csv, lens.png and run.json (new or empty; default: results/lens/<run-id>)." };
        var ctxOption = new Option<int?>("--ctx") { Description = $"Context size in tokens, at most the model's training context (default: {DefaultContext} or the training context when shorter)." };
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
            var modelPath = parsed.GetValue(modelOption) is { } given ? OptionRules.RequireInputFile(given, "--model") : IclCommands.ResolveModel(null);
            var contextSize = ContextSize(modelPath, parsed.GetValue(ctxOption), out var trained);
            var started = DateTimeOffset.UtcNow;
            // Claimed before the model runs, so a bad or busy --out costs nothing.
            using var claim = IclCommands.ClaimOutput(parsed.GetValue(outOption), Path.Combine("results", "lens"), started);
            var folder = IclCommands.Shown(claim);
            using var model = LlamaModel.Load(modelPath);
            var lens = LogitLens.Create(model, parsed.GetValue(threadsOption)); // refuses unknown architectures before any work
            // The lens makes every position an output row, and llama.cpp keeps a logits row per output of one llama_decode
            // call (512 MB at a 128k vocabulary and 1,000 tokens). Calls of one ubatch each hold n_ubatch rows; one
            // sequence splits into the same ubatches either way, so the numbers are those of a single call. A smaller
            // ubatch would save more but changes llama.cpp's rounding (measured at n_ubatch 64). LensReport streams the prompt
            // one call at a time, so the residuals it holds are one call's too.
            var options = new LlamaContextOptions { ContextSize = contextSize, Threads = parsed.GetValue(threadsOption) };
            var tokens = model.Tokenize(prompt);
            // llama.cpp pads its KV cache to 256 cells, so the context it creates may hold more than --ctx: the prompt is
            // checked against --ctx (and the training context) itself.
            if (tokens.Length > contextSize)
                throw new UsageException(tokens.Length > trained
                    ? string.Create(CultureInfo.InvariantCulture, $"the prompt is {tokens.Length} tokens, longer than the model's training context ({trained} tokens); shorten the prompt.")
                    : string.Create(CultureInfo.InvariantCulture, $"the prompt is {tokens.Length} tokens, more than the context of {contextSize}; pass --ctx {tokens.Length} or more (at most {trained}, the model's training context)."));
            using var llama = model.CreateContext(options with { BatchSize = Math.Min(contextSize, options.MicroBatchSize) });
            var report = LensReport.Compute(llama, lens, tokens, top);

            PrintTable(context.Out, model, report);
            AtomicFile.WriteAllText(Path.Combine(folder, "lens.csv"), report.ToCsv(id => TokenText.Readable(model, id)));
            LensHeatmap.SavePng(report, $"logit lens: p({ModelTokenizeCommand.Show(TokenText.Readable(model, report.FinalToken))}) per layer", Path.Combine(folder, "lens.png"));
            var record = new RunRecord("lens", started);
            HarnessInfo.Describe(record);
            var identity = record.SetModel(modelPath);
            identity["architecture"] = model.Info.Architecture;
            var p = record.Parameters;
            p["prompt"] = prompt;
            p["top"] = top;
            p["ctx"] = contextSize;
            p["threads"] = parsed.GetValue(threadsOption);
            var results = record.Section("results");
            results["tokens"] = tokens.Length;
            results["final_token"] = report.FinalToken;
            record.Finish(folder);
            context.Error.WriteLine($"wrote {Path.Combine(folder, "lens.csv")}, lens.png and run.json");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Default context when --ctx is not given.</summary>
    public const int DefaultContext = 2048;

    /// <summary>
    /// The KV-cache size to allocate: --ctx, bounded by the model's training context (<c>{arch}.context_length</c>,
    /// read by our GGUF reader before llama.cpp allocates anything); a model that does not declare one is bounded
    /// by 2^20 tokens.
    /// </summary>
    internal static int ContextSize(string modelPath, int? requested) => ContextSize(modelPath, requested, out _);

    /// <inheritdoc cref="ContextSize(string, int?)"/>
    /// <param name="modelPath">The GGUF file.</param>
    /// <param name="requested">--ctx, or null for the default.</param>
    /// <param name="trained">The bound: the model's training context, or 2^20 tokens when it declares none.</param>
    internal static int ContextSize(string modelPath, int? requested, out long trained)
    {
        using (var file = GgufReader.Open(modelPath))
        {
            var key = $"{file.Architecture}.context_length";
            trained = file.Find(key) is { IsArray: false } value && value.Value is byte or ushort or uint or ulong or sbyte or short or int or long
                ? (value.Value is ulong u ? (long)Math.Min(u, long.MaxValue) : value.AsInt64())
                : 0;
            // 0 or negative (llama.cpp reads 0xFFFFFFFF as −1) is "not declared", as for a missing key.
            trained = trained > 0 ? Math.Min(trained, 1L << 20) : 1L << 20;
        }
        if (requested is not { } ctx) return (int)Math.Max(1, Math.Min(DefaultContext, trained));
        if (ctx < 1) throw new UsageException($"--ctx must be at least 1 token; got {ctx}.");
        if (ctx > trained)
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--ctx {ctx} is larger than the model's training context ({trained} tokens); pass --ctx {trained} or less."));
        return ctx;
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
}
