using Probing.Runs;

namespace Probing.IclHarness;

/// <summary>Version facts recorded in every run.json of a command that runs llama.cpp.</summary>
public static class HarnessInfo
{
    /// <summary>The pinned llama.cpp build this binding targets (npm package version).</summary>
    public const string LlamaCppPackage = "@node-llama-cpp/linux-x64@3.22.1";

    /// <summary>The llama.cpp commit that package was built from (its llama/gitRelease.bundle).</summary>
    public const string LlamaCppCommit = "de3ff815ea7d559ee917f063901b8986f038abc6";

    /// <summary>Adds the harness's dependencies (one line each) to <paramref name="record"/>'s versions.</summary>
    public static void Describe(RunRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        record.AddVersion(typeof(HarnessInfo).Assembly, "probing_icl_harness");
        record.AddVersion(typeof(ScottPlot.Plot).Assembly, "scottplot");
        record.Versions["llama_cpp_package"] = LlamaCppPackage;
        record.Versions["llama_cpp_commit"] = LlamaCppCommit;
    }
}
