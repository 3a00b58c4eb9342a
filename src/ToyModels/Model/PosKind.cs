namespace Probing.ToyModels.Model;

/// <summary>Parsed positional_embedding_type.</summary>
internal enum PosKind
{
    Standard,
    Rotary,
    None,
    Fixed,
}
