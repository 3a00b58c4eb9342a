using Probing.Runs;

namespace Probing.ToyModels;

/// <summary>Version facts recorded in every run.json of a command that runs a toy model.</summary>
public static class ToyModelsInfo
{
    /// <summary>The TorchSharp version in use, read from its assembly.</summary>
    public static string TorchSharpVersion => RunRecord.VersionOf(typeof(TorchSharp.torch).Assembly) ?? "unknown";

    /// <summary>Adds the toy models' dependencies (one line each) to <paramref name="record"/>'s versions.</summary>
    public static void Describe(RunRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        record.AddVersion(typeof(ToyModelsInfo).Assembly, "probing_toy_models");
        record.Versions["torchsharp"] = TorchSharpVersion;
        record.Versions["libtorch"] = TorchSharp.torch.__version__;
        record.AddVersion(typeof(ScottPlot.Plot).Assembly, "scottplot");
    }
}
