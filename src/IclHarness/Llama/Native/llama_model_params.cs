using System.Runtime.InteropServices;

namespace Probing.IclHarness.Llama.Native;

/// <summary>
/// Mirror of <c>struct llama_model_params</c> (include/llama.h), field by field, 80 bytes on x86-64.
/// Booleans are <c>byte</c> so the struct stays blittable; the layout test checks every field.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct llama_model_params
{
    public nint devices;                       // ggml_backend_dev_t *
    public nint tensor_buft_overrides;         // const struct llama_model_tensor_buft_override *
    public int n_gpu_layers;
    public int split_mode;                     // enum llama_split_mode
    public int load_mode;                      // enum llama_load_mode
    public int lazy_mode;                      // enum llama_lazy_mode
    public int main_gpu;
    public nint tensor_split;                  // const float *
    public nint progress_callback;             // llama_progress_callback
    public nint progress_callback_user_data;
    public nint kv_overrides;                  // const struct llama_model_kv_override *
    public byte vocab_only;
    public byte check_tensors;
    public byte use_extra_bufts;
    public byte no_host;
    public byte no_alloc;
    public byte load_mtp;

    /// <summary><c>sizeof(struct llama_model_params)</c> computed from the header layout.</summary>
    public const int NativeSize = 80;
}
