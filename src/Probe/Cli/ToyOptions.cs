using System.CommandLine;
using Probing.ToyModels.Runtime;
using TorchSharp;

namespace Probing.Cli;

/// <summary>Options shared by the <c>toy</c> subcommands.</summary>
public static class ToyOptions
{
    /// <summary><c>--device cpu|cuda</c>; CUDA without a CUDA build of TorchSharp is a one-line error (exit 2).</summary>
    public static Option<string> Device() => new("--device")
    {
        Description = "cpu (default) or cuda (needs a CUDA build of TorchSharp)",
        DefaultValueFactory = _ => "cpu",
    };

    /// <summary>Applies the thread policy (all cores) and resolves the device.</summary>
    public static torch.Device Resolve(string device)
    {
        var resolved = TorchRuntime.ParseDevice(device);
        TorchRuntime.ConfigureThreads();
        return resolved;
    }
}
