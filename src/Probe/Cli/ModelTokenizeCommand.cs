using System.CommandLine;
using Probing.IclHarness.Llama;

namespace Probing.Cli;

/// <summary><c>probe model tokenize</c>: the model's own tokenizer (llama.cpp), ids and pieces.</summary>
public static class ModelTokenizeCommand
{
    /// <summary>Builds the <c>tokenize</c> subcommand of <c>probe model</c>.</summary>
    public static Command Create(CliContext context)
    {
        var modelOption = new Option<string>("--model", "-m") { Description = "The GGUF model file.", Required = true };
        var noSpecial = new Option<bool>("--no-special") { Description = "Do not add BOS/EOS the way the model's tokenizer is configured to." };
        var text = new Argument<string>("text") { Description = "The text to tokenize." };
        var command = new Command("tokenize", "Tokenize text with the model's tokenizer (llama.cpp): index, id and piece of every token.");
        command.Add(modelOption);
        command.Add(noSpecial);
        command.Add(text);
        command.SetAction(parsed =>
        {
            // The tokenizer alone (llama.cpp's vocab_only): a vocabulary-only GGUF (llama.cpp's models/ggml-vocab-*.gguf)
            // has no weights, and a full model's weights are not needed to tokenize.
            using var model = LlamaModel.LoadVocabulary(parsed.GetValue(modelOption)!);
            var pieces = model.Tokenize(parsed.GetValue(text) ?? "", addSpecial: !parsed.GetValue(noSpecial))
                .Select(id => new TokenPiece(id, TokenText.Readable(model, id))).ToArray();
            context.Out.WriteLine($"{pieces.Length} tokens");
            context.Out.WriteLine($"{"index",5}  {"id",7}  piece");
            for (var i = 0; i < pieces.Length; i++)
                context.Out.WriteLine($"{i,5}  {pieces[i].Id,7}  {Show(pieces[i].Piece)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A piece quoted with control characters escaped, so spaces and newlines are visible.</summary>
    public static string Show(string piece) =>
        "'" + piece.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t") + "'";
}
