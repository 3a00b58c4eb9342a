namespace Probing.IclHarness;

/// <summary>Version facts recorded in every run.json.</summary>
public static class HarnessInfo
{
    /// <summary>The pinned llama.cpp build this binding targets (npm package version).</summary>
    public const string LlamaCppPackage = "@node-llama-cpp/linux-x64@3.22.1";

    /// <summary>The llama.cpp commit that package was built from (its llama/gitRelease.bundle).</summary>
    public const string LlamaCppCommit = "de3ff815ea7d559ee917f063901b8986f038abc6";
}
