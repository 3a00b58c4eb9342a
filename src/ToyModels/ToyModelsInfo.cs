namespace Probing.ToyModels;

/// <summary>Version facts recorded in every run.json.</summary>
public static class ToyModelsInfo
{
    /// <summary>The TorchSharp version this library is built against.</summary>
    public const string TorchSharpVersion = "0.107.0";
}
