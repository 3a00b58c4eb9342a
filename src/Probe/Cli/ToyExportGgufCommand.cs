using System.CommandLine;
using Probing.Gguf;
using Probing.ToyModels.Checkpoints;
using Probing.ToyModels.Export;
using Probing.ToyModels.Tasks;
using Probing.ToyModels.Training;

namespace Probing.Cli;

/// <summary>
/// <c>probe toy export-gguf</c>: writes a checkpoint as a GGUF model that llama.cpp can run. ToyModels
/// describes the tensors, hyperparameters and the task's vocabulary (<see cref="GgufExporter"/>,
/// <see cref="GgufTokenizerMetadata"/>); this command hands that description to IclHarness's
/// <see cref="GgufWriter"/>, so that ToyModels never references IclHarness.
/// </summary>
public static class ToyExportGgufCommand
{
    /// <summary>Builds the <c>export-gguf</c> subcommand of <c>probe toy</c>.</summary>
    public static Command Create(CliContext context)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint directory (a 'probe toy train' run directory).", Required = true };
        var output = new Option<string>("--out") { Description = "GGUF file to write (atomically).", Required = true };
        var task = new Option<string?>("--task") { Description = "The checkpoint's task, whose token strings form the vocabulary; needed only for a folder without run.json (another task than the run's is refused)." };
        var command = new Command("export-gguf", "Export a checkpoint to GGUF (llama-style configs as architecture llama, GPT-2-style as gpt2) with the task's tokens as vocabulary.")
        {
            checkpoint, output, task,
        };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(checkpoint)!;
            var path = parse.GetValue(output)!;
            // Checked before the model loads: the file is written last.
            if (Directory.Exists(path))
                throw new UsageException($"--out '{path}' is a folder; pass the GGUF file to write, such as '{Path.Combine(path, "model.gguf")}'.");
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } parent && !Directory.Exists(parent))
                throw new UsageException($"--out '{path}': folder '{parent}' does not exist; create it or write the file elsewhere.");
            using var model = ToyCheckpoint.LoadModel(directory);
            var tokenizer = Tokenizer(directory, parse.GetValue(task), model.Config.NCtx);
            var export = GgufExporter.Describe(model, tokenizer, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory))));
            var writer = ToGguf(export);
            writer.Write(path);
            context.Out.WriteLine($"wrote {path}: architecture {export.Architecture}, {writer.TensorCount} tensors, {tokenizer.Count} tokens");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The GGUF writer for an export description (metadata, tokenizer keys included, then tensors, in order).</summary>
    public static GgufWriter ToGguf(GgufExport export)
    {
        ArgumentNullException.ThrowIfNull(export);
        var writer = new GgufWriter();
        foreach (var (key, value) in export.Metadata) writer.Add(key, value);
        foreach (var tensor in export.Tensors) writer.AddTensor(tensor.Name, tensor.Data, tensor.Ne);
        return writer;
    }

    private static ToyTokenizer Tokenizer(string directory, string? taskName, int nCtx)
    {
        var opened = ToyCheckpoint.Open(directory, taskName);
        return opened.Task.Bind(opened.Config.Task, nCtx).Tokenizer;
    }
}
