using System.CommandLine;
using Probing.ToyModels.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace Probing.Cli;

/// <summary><c>probe toy hooks --config FILE.json</c>: every hook name in forward order with its shape.</summary>
public static class ToyHooksCommand
{
    /// <summary>Builds the <c>hooks</c> subcommand.</summary>
    public static Command Create(CliContext context)
    {
        var config = new Option<string>("--config")
        {
            Description = "model config JSON with TransformerLens field names (n_layers, d_model, …)",
            Required = true,
        };
        var device = ToyOptions.Device();
        var command = new Command("hooks", "Print every hook name in forward order with its shape for batch 1 and n_ctx positions.");
        command.Add(config);
        command.Add(device);
        command.SetAction(parseResult =>
        {
            var dev = ToyOptions.Resolve(parseResult.GetValue(device)!);
            var cfg = HookedTransformerConfig.Load(parseResult.GetValue(config)!);
            foreach (var (name, shape) in HookShapes(cfg, dev))
                context.Out.WriteLine($"{name} [{string.Join(", ", shape)}]");
            return 0;
        });
        return command;
    }

    /// <summary>Runs one forward pass of batch 1 × n_ctx zeros and records each hook's shape in firing order.</summary>
    public static IReadOnlyList<(string Name, long[] Shape)> HookShapes(HookedTransformerConfig cfg, Device device)
    {
        using var scope = NewDisposeScope();
        using var model = new HookedTransformer(cfg);
        model.to(device);
        var shapes = new List<(string, long[])>();
        using var noGrad = no_grad();
        var hooks = model.HookNames
            .Select(n => (n, (Func<Tensor, string, Tensor?>)((t, name) =>
            {
                shapes.Add((name, t.shape));
                return null;
            })))
            .ToArray();
        model.RunWithHooks(zeros([1, cfg.NCtx], ScalarType.Int64, device), hooks);
        return shapes;
    }
}
