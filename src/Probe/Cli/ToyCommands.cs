using System.CommandLine;

namespace Probing.Cli;

/// <summary><c>probe toy …</c>: the TransformerLens-style toy models on TorchSharp.</summary>
public static class ToyCommands
{
    /// <summary>Builds the <c>toy</c> command group; each subcommand lives in its own file (Toy*Command.cs).</summary>
    public static Command Create(CliContext context)
    {
        var toy = new Command("toy", "TransformerLens-style toy transformers on TorchSharp: hooks, training, evaluation, export.");
        toy.Add(ToyHooksCommand.Create(context));
        toy.Add(ToyTrainCommand.Create(context));
        toy.Add(ToyEvalCommand.Create(context));
        toy.Add(ToyExportGgufCommand.Create(context));
        toy.Add(ToyAnalyzeCommand.Create(context));
        toy.Add(ToySweepCommand.Create(context));
        return toy;
    }
}
