using System.CommandLine;
using System.Globalization;
using Probing.IclHarness.Icl;
using Probing.IclHarness.Icl.Report;

namespace Probing.Cli;

/// <summary><c>probe icl compare RUN1 RUN2</c>: overlays two runs (e.g. two models on one task).</summary>
internal static class IclCompareCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("compare", "Overlay the surprisal and P(correct) curves of two probe icl run folders.");
        var run1 = new Argument<string>("RUN1") { Description = "First run folder" };
        var run2 = new Argument<string>("RUN2") { Description = "Second run folder" };
        var output = new Option<string?>("--out") { Description = "Output folder (default: results/icl/compare/<run-id>)" };
        command.Add(run1);
        command.Add(run2);
        command.Add(output);
        command.SetAction(parse =>
        {
            var started = DateTimeOffset.UtcNow;
            using var claim = IclCommands.ClaimOutput(parse.GetValue(output), Path.Combine("results", "icl", "compare"), started);
            var folder = IclCommands.Shown(claim);
            var (a, b) = IclCompare.Write(parse.GetValue(run1)!, parse.GetValue(run2)!, folder);
            var record = new Probing.Runs.RunRecord("icl compare", started);
            record.Parameters["run1"] = Path.GetFullPath(parse.GetValue(run1)!);
            record.Parameters["run2"] = Path.GetFullPath(parse.GetValue(run2)!);
            record.Finish(folder);
            var inv = CultureInfo.InvariantCulture;
            foreach (var warning in new[] { a.Warning, b.Warning }.OfType<string>()) context.Error.WriteLine($"probe: warning: {warning}");
            context.Out.WriteLine($"A: {a.Label}");
            context.Out.WriteLine($"B: {b.Label}");
            context.Out.WriteLine("   i   A bits   B bits   A P(correct)   B P(correct)");
            for (var i = 0; i < Math.Max(a.Bits.Length, b.Bits.Length); i++)
            {
                string Cell(double[] v, string format) => i < v.Length ? v[i].ToString(format, inv) : "-";
                context.Out.WriteLine($"{i + 1,4} {Cell(a.Bits, "F3"),8} {Cell(b.Bits, "F3"),8} {Cell(a.PCorrect, "F3"),14} {Cell(b.PCorrect, "F3"),14}");
            }
            context.Out.WriteLine($"c: A {a.C?.ToString("F4", inv) ?? "n/a"}, B {b.C?.ToString("F4", inv) ?? "n/a"}");
            context.Out.WriteLine($"wrote {folder}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
