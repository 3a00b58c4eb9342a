namespace Probing.IclHarness.Llama;

/// <summary>A token id and the text it renders to.</summary>
public readonly record struct TokenPiece(int Id, string Piece);
