namespace Probing.ToyModels.Model;

/// <summary>Parsed normalization_type.</summary>
internal enum NormKind
{
    None,
    LN,
    LNPre,
    RMS,
    RMSPre,
}
