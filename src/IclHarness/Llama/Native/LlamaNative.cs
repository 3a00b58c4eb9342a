using System.Runtime.InteropServices;

namespace Probing.IclHarness.Llama.Native;

/// <summary>
/// The few <c>libllama</c> functions LLamaSharp 0.30.0 does not expose usably, keeping the C names of
/// include/llama.h (llama.cpp <see cref="LlamaHost.PinnedLlamaCppCommit"/>). Everything else goes through
/// LLamaSharp. <c>llama_ftype_name</c> is ours because LLamaSharp's wrapper frees the constant string it
/// returns and crashes the process.
/// </summary>
internal static unsafe partial class LlamaNative
{
    private const string Lib = LlamaLibrary.LlamaName;

    static LlamaNative() => LlamaLibrary.RegisterResolver();

    [LibraryImport(Lib)] public static partial nint llama_model_get_vocab(nint model);
    [LibraryImport(Lib)] public static partial byte* llama_ftype_name(int ftype);
    [LibraryImport(Lib)] public static partial nint llama_vocab_get_text(nint vocab, int token);
    [LibraryImport(Lib)] public static partial int llama_detokenize(nint vocab, int* tokens, int n_tokens, byte* text, int text_len_max, [MarshalAs(UnmanagedType.U1)] bool remove_special, [MarshalAs(UnmanagedType.U1)] bool unparse_special);
}
