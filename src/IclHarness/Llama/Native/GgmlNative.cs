using System.Runtime.InteropServices;

namespace Probing.IclHarness.Llama.Native;

/// <summary>
/// P/Invoke declarations for <c>libggml-base</c> (ggml/include/ggml.h, ggml-backend.h) that LLamaSharp does not
/// expose: tensor reads and writes for the eval hooks, type traits for dequantization, and the few graph ops the
/// logit lens builds (<see cref="LensProduct"/>; computed by <see cref="GgmlCpuNative"/>). Keeps the C names; same
/// llama.cpp commit as <see cref="LlamaNative"/>; resolved to the copy LLamaSharp loaded (<see cref="LlamaLibrary"/>).
/// </summary>
internal static unsafe partial class GgmlNative
{
    private const string Base = LlamaLibrary.GgmlBaseName;

    static GgmlNative() => LlamaLibrary.RegisterResolver();

    /// <summary><c>GGML_TYPE_COUNT</c>: type ids at or above it make ggml abort (43 entries in libggml-base's type_traits table).</summary>
    public const int GGML_TYPE_COUNT = 43;

    [LibraryImport(Base)] public static partial ggml_type_traits* ggml_get_type_traits(int type);
    [LibraryImport(Base)] public static partial byte* ggml_type_name(int type);
    [LibraryImport(Base)] public static partial long ggml_blck_size(int type);
    [LibraryImport(Base)] public static partial nuint ggml_type_size(int type);
    [LibraryImport(Base)] public static partial nuint ggml_row_size(int type, long ne);

    [LibraryImport(Base)] public static partial void ggml_backend_tensor_get(ggml_tensor* tensor, void* data, nuint offset, nuint size);
    [LibraryImport(Base)] public static partial void ggml_backend_tensor_set(ggml_tensor* tensor, void* data, nuint offset, nuint size);

    // Contexts and tensors: the lens's graphs (no_alloc: every tensor's data is set by the caller), and the layout test.
    [LibraryImport(Base)] public static partial nint ggml_init(ggml_init_params @params);
    [LibraryImport(Base)] public static partial void ggml_free(nint ctx);
    [LibraryImport(Base)] public static partial ggml_tensor* ggml_new_tensor_2d(nint ctx, int type, long ne0, long ne1);
    [LibraryImport(Base)] public static partial ggml_tensor* ggml_set_name(ggml_tensor* tensor, byte* name);
    [LibraryImport(Base)] public static partial byte* ggml_get_name(ggml_tensor* tensor);
    [LibraryImport(Base)] public static partial long ggml_nelements(ggml_tensor* tensor);
    [LibraryImport(Base)] public static partial nuint ggml_nbytes(ggml_tensor* tensor);
    [LibraryImport(Base)] public static partial nuint ggml_tensor_overhead();
    [LibraryImport(Base)] public static partial ggml_tensor* ggml_new_tensor_1d(nint ctx, int type, long ne0);

    // The graph ops of llama.cpp's final norm and LM head (build_norm, build_lora_mm, Gemma's soft-cap).
    [LibraryImport(Base)] public static partial ggml_tensor* ggml_rms_norm(nint ctx, ggml_tensor* a, float eps);
    [LibraryImport(Base)] public static partial ggml_tensor* ggml_norm(nint ctx, ggml_tensor* a, float eps);
    [LibraryImport(Base)] public static partial ggml_tensor* ggml_mul(nint ctx, ggml_tensor* a, ggml_tensor* b);
    [LibraryImport(Base)] public static partial ggml_tensor* ggml_add(nint ctx, ggml_tensor* a, ggml_tensor* b);
    [LibraryImport(Base)] public static partial ggml_tensor* ggml_add_inplace(nint ctx, ggml_tensor* a, ggml_tensor* b);
    [LibraryImport(Base)] public static partial ggml_tensor* ggml_mul_mat(nint ctx, ggml_tensor* a, ggml_tensor* b);
    [LibraryImport(Base)] public static partial ggml_tensor* ggml_scale_inplace(nint ctx, ggml_tensor* a, float s);
    [LibraryImport(Base)] public static partial ggml_tensor* ggml_tanh_inplace(nint ctx, ggml_tensor* a);
    [LibraryImport(Base)] public static partial nint ggml_new_graph(nint ctx);
    [LibraryImport(Base)] public static partial void ggml_build_forward_expand(nint cgraph, ggml_tensor* tensor);
    [LibraryImport(Base)] public static partial nuint ggml_graph_overhead();
}
