using System.Runtime.InteropServices;

namespace Probing.IclHarness.Llama.Native;

/// <summary>
/// P/Invoke declarations for <c>libggml-base</c> and <c>libggml</c> (ggml/include/ggml.h, ggml-backend.h),
/// keeping the C names; same llama.cpp commit as <see cref="LlamaNative"/>.
/// </summary>
internal static unsafe partial class GgmlNative
{
    private const string Base = LlamaLibrary.GgmlBaseName;
    private const string Ggml = LlamaLibrary.GgmlName;

    static GgmlNative() => LlamaLibrary.RegisterResolver();

    /// <summary><c>GGML_TYPE_COUNT</c>: type ids at or above it make ggml abort.</summary>
    public const int GGML_TYPE_COUNT = 43;

    [LibraryImport(Base)] public static partial ggml_type_traits* ggml_get_type_traits(int type);
    [LibraryImport(Base)] public static partial byte* ggml_type_name(int type);
    [LibraryImport(Base)] public static partial long ggml_blck_size(int type);
    [LibraryImport(Base)] public static partial nuint ggml_type_size(int type);
    [LibraryImport(Base)] public static partial nuint ggml_row_size(int type, long ne);
    [LibraryImport(Base)] public static partial void ggml_log_set(delegate* unmanaged[Cdecl]<int, byte*, void*, void> log_callback, void* user_data);

    [LibraryImport(Base)] public static partial void ggml_backend_tensor_get(ggml_tensor* tensor, void* data, nuint offset, nuint size);
    [LibraryImport(Base)] public static partial void ggml_backend_tensor_set(ggml_tensor* tensor, void* data, nuint offset, nuint size);

    // Only for the layout test: a CPU-side tensor made by ggml itself.
    [LibraryImport(Base)] public static partial nint ggml_init(ggml_init_params @params);
    [LibraryImport(Base)] public static partial void ggml_free(nint ctx);
    [LibraryImport(Base)] public static partial ggml_tensor* ggml_new_tensor_2d(nint ctx, int type, long ne0, long ne1);
    [LibraryImport(Base)] public static partial ggml_tensor* ggml_set_name(ggml_tensor* tensor, byte* name);
    [LibraryImport(Base)] public static partial byte* ggml_get_name(ggml_tensor* tensor);
    [LibraryImport(Base)] public static partial long ggml_nelements(ggml_tensor* tensor);
    [LibraryImport(Base)] public static partial nuint ggml_nbytes(ggml_tensor* tensor);
    [LibraryImport(Base)] public static partial nuint ggml_tensor_overhead();

    [LibraryImport(Ggml)] public static partial void ggml_backend_load_all_from_path(byte* dir_path);
    [LibraryImport(Ggml)] public static partial nuint ggml_backend_dev_count();
    [LibraryImport(Ggml)] public static partial nint ggml_backend_dev_get(nuint index);
    [LibraryImport(Ggml)] public static partial byte* ggml_backend_dev_name(nint device);
    [LibraryImport(Ggml)] public static partial byte* ggml_backend_dev_description(nint device);
}
