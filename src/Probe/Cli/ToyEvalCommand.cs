using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Probing.ToyModels.Training;

namespace Probing.Cli;

/// <summary><c>probe toy eval</c>: a checkpoint's task metrics on fresh data.</summary>
public static class ToyEvalCommand
{
    /// <summary>Builds the <c>eval</c> subcommand of <c>probe toy</c>.</summary>
    public static Command Create(CliContext context)
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "Checkpoint directory (a 'probe toy train' run directory).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object whose keys are the metric names." };
        var task = new Option<string?>("--task") { Description = "The checkpoint's task, needed only for a folder without run.json (a run's own task is read from run.json; another task is refused)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the fresh evaluation data.", DefaultValueFactory = _ => 1234 };
        var threads = new Option<int>("--threads") { Description = "libtorch threads (0: the machine's cores).", DefaultValueFactory = _ => 0 };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var command = new Command("eval", "Evaluate a checkpoint on fresh data and print its task's metrics.")
        {
            checkpoint, json, task, seed, threads, device,
        };
        command.SetAction(parse =>
        {
            ToyCli.ApplyThreads(parse.GetValue(threads));
            var metrics = ToyEvaluation.Evaluate(parse.GetValue(checkpoint)!, parse.GetValue(task), parse.GetValue(seed), parse.GetValue(device)!);
            if (parse.GetValue(json))
            {
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteStartObject();
                    foreach (var (name, value) in metrics)
                    {
                        if (double.IsFinite(value)) writer.WriteNumber(name, value);
                        else writer.WriteNull(name);
                    }

                    writer.WriteEndObject();
                }

                context.Out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            }
            else
            {
                var width = metrics.Keys.Select(k => k.Length).DefaultIfEmpty(6).Max();
                foreach (var (name, value) in metrics)
                    context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name.PadRight(width)}  {value:G6}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
