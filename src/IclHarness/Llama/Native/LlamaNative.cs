using System.Runtime.InteropServices;

namespace Probing.IclHarness.Llama.Native;

/// <summary>
/// P/Invoke declarations for <c>libllama</c>, keeping the C names of include/llama.h.
/// <para>
/// Written against the headers of node-llama-cpp 3.22.1 (<c>llama/gitRelease.bundle</c>, release tag
/// v0.5.0 of its llama.cpp build), llama.cpp commit <c>de3ff815ea7d559ee917f063901b8986f038abc6</c>.
/// The libraries come from <c>@node-llama-cpp/linux-x64@3.22.1</c> (see build/LlamaNative.targets).
/// </para>
/// <para>
/// Functions returning a params struct by value are not declared here: <see cref="LlamaLibrary"/> calls
/// them into an oversized, guarded buffer so that a layout drift is detected instead of corrupting memory.
/// </para>
/// </summary>
internal static unsafe partial class LlamaNative
{
    private const string Lib = LlamaLibrary.LlamaName;

    static LlamaNative() => LlamaLibrary.RegisterResolver();

    [LibraryImport(Lib)] public static partial void llama_backend_init();
    [LibraryImport(Lib)] public static partial void llama_log_set(delegate* unmanaged[Cdecl]<int, byte*, void*, void> log_callback, void* user_data);
    [LibraryImport(Lib)] public static partial byte* llama_print_system_info();

    [LibraryImport(Lib)] public static partial nint llama_model_load_from_file(byte* path_model, llama_model_params @params);
    [LibraryImport(Lib)] public static partial void llama_model_free(nint model);
    [LibraryImport(Lib)] public static partial nint llama_init_from_model(nint model, llama_context_params @params);
    [LibraryImport(Lib)] public static partial void llama_free(nint ctx);

    [LibraryImport(Lib)] public static partial int llama_model_n_layer(nint model);
    [LibraryImport(Lib)] public static partial int llama_model_n_embd(nint model);
    [LibraryImport(Lib)] public static partial int llama_model_n_head(nint model);
    [LibraryImport(Lib)] public static partial int llama_model_n_ctx_train(nint model);
    [LibraryImport(Lib)] public static partial int llama_model_ftype(nint model);
    [LibraryImport(Lib)] public static partial byte* llama_ftype_name(int ftype);
    [LibraryImport(Lib)] public static partial int llama_model_desc(nint model, byte* buf, nuint buf_size);
    [LibraryImport(Lib)] public static partial int llama_model_meta_val_str(nint model, byte* key, byte* buf, nuint buf_size);
    [LibraryImport(Lib)] public static partial ulong llama_model_n_params(nint model);
    [LibraryImport(Lib)] public static partial nint llama_model_get_vocab(nint model);

    [LibraryImport(Lib)] public static partial int llama_vocab_n_tokens(nint vocab);
    [LibraryImport(Lib)] public static partial int llama_vocab_type(nint vocab);
    [LibraryImport(Lib)] public static partial nint llama_vocab_get_text(nint vocab, int token);
    [LibraryImport(Lib)] public static partial int llama_vocab_bos(nint vocab);
    [LibraryImport(Lib)] public static partial int llama_vocab_eos(nint vocab);
    [LibraryImport(Lib)] public static partial byte llama_vocab_get_add_bos(nint vocab);
    [LibraryImport(Lib)] public static partial int llama_tokenize(nint vocab, byte* text, int text_len, int* tokens, int n_tokens_max, [MarshalAs(UnmanagedType.U1)] bool add_special, [MarshalAs(UnmanagedType.U1)] bool parse_special);
    [LibraryImport(Lib)] public static partial int llama_token_to_piece(nint vocab, int token, byte* buf, int length, int lstrip, [MarshalAs(UnmanagedType.U1)] bool special);
    [LibraryImport(Lib)] public static partial int llama_detokenize(nint vocab, int* tokens, int n_tokens, byte* text, int text_len_max, [MarshalAs(UnmanagedType.U1)] bool remove_special, [MarshalAs(UnmanagedType.U1)] bool unparse_special);

    [LibraryImport(Lib)] public static partial uint llama_n_ctx(nint ctx);
    [LibraryImport(Lib)] public static partial uint llama_n_batch(nint ctx);
    [LibraryImport(Lib)] public static partial uint llama_n_ubatch(nint ctx);
    [LibraryImport(Lib)] public static partial uint llama_n_seq_max(nint ctx);
    [LibraryImport(Lib)] public static partial llama_batch llama_batch_init(int n_tokens, int embd, int n_seq_max);
    [LibraryImport(Lib)] public static partial void llama_batch_free(llama_batch batch);
    [LibraryImport(Lib)] public static partial int llama_decode(nint ctx, llama_batch batch);
    [LibraryImport(Lib)] public static partial float* llama_get_logits_ith(nint ctx, int i);
    [LibraryImport(Lib)] public static partial void llama_synchronize(nint ctx);

    [LibraryImport(Lib)] public static partial nint llama_get_memory(nint ctx);
    [LibraryImport(Lib)] public static partial void llama_memory_clear(nint mem, [MarshalAs(UnmanagedType.U1)] bool data);
    [LibraryImport(Lib)] [return: MarshalAs(UnmanagedType.U1)] public static partial bool llama_memory_seq_rm(nint mem, int seq_id, int p0, int p1);
    [LibraryImport(Lib)] public static partial void llama_memory_seq_cp(nint mem, int seq_id_src, int seq_id_dst, int p0, int p1);
    [LibraryImport(Lib)] public static partial void llama_memory_seq_keep(nint mem, int seq_id);
    [LibraryImport(Lib)] public static partial int llama_memory_seq_pos_max(nint mem, int seq_id);
}
