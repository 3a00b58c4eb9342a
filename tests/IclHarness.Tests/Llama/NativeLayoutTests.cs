using System.Runtime.CompilerServices;
using Probing.IclHarness.Llama.Native;

namespace Probing.IclHarness.Tests.Llama;

/// <summary>
/// The mirrored structs against the pinned llama.cpp (commit de3ff815, node-llama-cpp 3.22.1): sizes from
/// the header layout on x86-64, and every default from llama_model_default_params() /
/// llama_context_default_params() in src/llama-model.cpp and src/llama-context.cpp.
/// </summary>
public sealed unsafe class NativeLayoutTests
{
    [Fact]
    public void GivenMirroredStructs_WhenSized_ThenTheyMatchTheHeaderLayout()
    {
        Assert.Equal(80, Unsafe.SizeOf<llama_model_params>());
        Assert.Equal(160, Unsafe.SizeOf<llama_context_params>());
        Assert.Equal(56, Unsafe.SizeOf<llama_batch>());
        Assert.Equal(336, Unsafe.SizeOf<ggml_tensor>());
        Assert.Equal(56, Unsafe.SizeOf<ggml_type_traits>());
    }

    [Fact]
    public void GivenModelDefaults_WhenReadThroughTheBinding_ThenEveryFieldMatchesTheBundledSource()
    {
        var p = LlamaLibrary.ModelDefaults;
        Assert.Equal(0, p.devices);
        Assert.Equal(0, p.tensor_buft_overrides);
        Assert.Equal(-1, p.n_gpu_layers);
        Assert.Equal(1, p.split_mode);   // LLAMA_SPLIT_MODE_LAYER
        Assert.Equal(-1, p.load_mode);   // LLAMA_LOAD_MODE_AUTO
        Assert.Equal(1, p.lazy_mode);    // LLAMA_LAZY_MODE_AUTO
        Assert.Equal(0, p.main_gpu);
        Assert.Equal(0, p.tensor_split);
        Assert.Equal(0, p.progress_callback);
        Assert.Equal(0, p.progress_callback_user_data);
        Assert.Equal(0, p.kv_overrides);
        Assert.Equal(0, p.vocab_only);
        Assert.Equal(0, p.check_tensors);
        Assert.Equal(1, p.use_extra_bufts);
        Assert.Equal(0, p.no_host);
        Assert.Equal(0, p.no_alloc);
        Assert.Equal(0, p.load_mtp);
    }

    [Fact]
    public void GivenContextDefaults_WhenReadThroughTheBinding_ThenEveryFieldMatchesTheBundledSource()
    {
        var p = LlamaLibrary.ContextDefaults;
        Assert.Equal(512u, p.n_ctx);
        Assert.Equal(2048u, p.n_batch);
        Assert.Equal(512u, p.n_ubatch);
        Assert.Equal(1u, p.n_seq_max);
        Assert.Equal(0u, p.n_rs_seq);
        Assert.Equal(0u, p.n_outputs_max);
        Assert.Equal(1u, p.n_outputs_max_per_seq);
        Assert.Equal(4, p.n_threads);         // GGML_DEFAULT_N_THREADS
        Assert.Equal(4, p.n_threads_batch);
        Assert.Equal(0, p.ctx_type);          // LLAMA_CONTEXT_TYPE_DEFAULT
        Assert.Equal(-1, p.rope_scaling_type); // UNSPECIFIED
        Assert.Equal(-1, p.pooling_type);
        Assert.Equal(-1, p.attention_type);
        Assert.Equal(-1, p.flash_attn_type);  // LLAMA_FLASH_ATTN_TYPE_AUTO
        Assert.Equal(0f, p.rope_freq_base);
        Assert.Equal(0f, p.rope_freq_scale);
        Assert.Equal(-1f, p.yarn_ext_factor);
        Assert.Equal(-1f, p.yarn_attn_factor);
        Assert.Equal(-1f, p.yarn_beta_fast);
        Assert.Equal(-1f, p.yarn_beta_slow);
        Assert.Equal(0u, p.yarn_orig_ctx);
        Assert.Equal(-1f, p.defrag_thold);
        Assert.Equal(0, p.cb_eval);
        Assert.Equal(0, p.cb_eval_user_data);
        Assert.Equal(1, p.type_k);            // GGML_TYPE_F16
        Assert.Equal(1, p.type_v);
        Assert.Equal(0, p.abort_callback);
        Assert.Equal(0, p.abort_callback_data);
        Assert.Equal(0, p.embeddings);
        Assert.Equal(1, p.offload_kqv);
        Assert.Equal(1, p.no_perf);
        Assert.Equal(1, p.op_offload);
        Assert.Equal(1, p.swa_full);
        Assert.Equal(0, p.kv_unified);
        Assert.Equal(0, p.samplers);
        Assert.Equal(0u, p.n_samplers);
        Assert.Equal(0, p.ctx_other);
    }

    [InlineArray(16)]
    private struct Bytes128
    {
        private long _element;
    }

    [Fact]
    public void GivenAMirrorSmallerThanTheNativeStruct_WhenDefaultsAreRead_ThenTheGuardRefusesInsteadOfCorruptingMemory()
    {
        LlamaLibrary.EnsureInitialized();
        var ex = Assert.Throws<NotSupportedException>(() => LlamaLibrary.ReadDefaults<Bytes128>("llama_context_default_params", 128));
        Assert.Contains("larger than", ex.Message);
    }

    [Fact]
    public void GivenATensorMadeByGgml_WhenReadThroughTheMirror_ThenTypeShapeStridesAndNameAgree()
    {
        LlamaLibrary.EnsureInitialized();
        Assert.Equal((nuint)(32 + ggml_tensor.NativeSize), GgmlNative.ggml_tensor_overhead()); // ggml_object + ggml_tensor
        var ctx = GgmlNative.ggml_init(new ggml_init_params { mem_size = 1 << 16, mem_buffer = 0, no_alloc = 1 });
        try
        {
            var t = GgmlNative.ggml_new_tensor_2d(ctx, 1 /* F16 */, 96, 5);
            fixed (byte* name = "l_out-17\0"u8) GgmlNative.ggml_set_name(t, name);
            Assert.Equal(1, t->type);
            Assert.Equal(96, t->ne[0]);
            Assert.Equal(5, t->ne[1]);
            Assert.Equal(1, t->ne[2]);
            Assert.Equal(2ul, t->nb[0]);
            Assert.Equal(192ul, t->nb[1]);
            Assert.Equal(GgmlNative.ggml_nelements(t), t->ne[0] * t->ne[1] * t->ne[2] * t->ne[3]);
            Assert.Equal("l_out-17", LlamaLibrary.Utf8(t->name));
            Assert.Equal((nint)GgmlNative.ggml_get_name(t), (nint)t->name);
        }
        finally
        {
            GgmlNative.ggml_free(ctx);
        }
    }

    [Fact]
    public void GivenTheFetchedLibraries_WhenBackendsLoad_ThenACpuDeviceExists() =>
        Assert.Contains(LlamaLibrary.Devices(), d => d.StartsWith("CPU", StringComparison.OrdinalIgnoreCase));
}
