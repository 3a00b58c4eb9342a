using Probing.IclHarness.Llama;
using Probing.IclHarness.Llama.Native;
using Probing.Runs;

namespace Probing.IclHarness;

/// <summary>Version facts recorded in every run.json of a command that runs llama.cpp.</summary>
public static class HarnessInfo
{
    /// <summary>The LLamaSharp version this build references (Directory.Packages.props).</summary>
    public static string LlamaSharpVersion => LlamaLibrary.LlamaSharpVersion;

    /// <summary>The native backend package and version: "LLamaSharp.Backend.Cpu 0.30.0" (or Cuda12 with -p:LlamaBackend=cuda).</summary>
    public static string LlamaCppPackage =>
        $"{(LlamaLibrary.Backend == "cuda" ? "LLamaSharp.Backend.Cuda12" : "LLamaSharp.Backend.Cpu")} {LlamaLibrary.LlamaSharpVersion}";

    /// <summary>The llama.cpp commit that LLamaSharp release's natives were built from.</summary>
    public const string LlamaCppCommit = LlamaHost.PinnedLlamaCppCommit;

    /// <summary>The host as loaded in this process (starts llama.cpp if it has not started): variant, devices.</summary>
    public static LlamaHost Host => LlamaLibrary.Host;

    /// <summary>
    /// Adds the harness's dependencies to <paramref name="record"/>'s versions and the llama.cpp host as loaded
    /// (binding, backend package, llama.cpp commit, native variant, devices) to its host section.
    /// </summary>
    public static void Describe(RunRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        record.AddVersion(typeof(HarnessInfo).Assembly, "probing_icl_harness");
        record.AddVersion(typeof(ScottPlot.Plot).Assembly, "scottplot");
        record.Versions["llamasharp"] = LlamaSharpVersion;
        record.Versions["llama_cpp_package"] = LlamaCppPackage;
        record.Versions["llama_cpp_commit"] = LlamaCppCommit;
        var host = Host;
        record.Host["llama_binding"] = host.Binding;
        record.Host["llama_backend_package"] = host.BackendPackage;
        record.Host["llama_cpp_commit"] = host.LlamaCppCommit;
        record.Host["llama_variant"] = host.Variant;
        record.Host["llama_devices"] = new System.Text.Json.Nodes.JsonArray([.. host.Devices.Select(d => (System.Text.Json.Nodes.JsonNode?)d)]);
    }
}
