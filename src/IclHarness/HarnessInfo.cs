using Probing.IclHarness.Llama;
using Probing.IclHarness.Llama.Native;

namespace Probing.IclHarness;

/// <summary>Version facts recorded in every run.json.</summary>
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
}
