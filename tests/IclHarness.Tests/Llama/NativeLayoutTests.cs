using System.Runtime.CompilerServices;
using Probing.IclHarness.Llama.Native;

namespace Probing.IclHarness.Tests.Llama;

/// <summary>
/// The structs we still mirror (ggml_tensor for the eval hooks, ggml_type_traits for dequantization) against the
/// ggml that LLamaSharp 0.30.0 loads (llama.cpp c0c7e147): sizes from the header layout on x86-64, fields
/// through ggml's own accessors.
/// </summary>
public sealed unsafe class NativeLayoutTests
{
    [Fact]
    public void GivenMirroredStructs_WhenSized_ThenTheyMatchTheHeaderLayout()
    {
        Assert.Equal(336, Unsafe.SizeOf<ggml_tensor>());
        Assert.Equal(56, Unsafe.SizeOf<ggml_type_traits>());
        Assert.Equal(ggml_cplan.NativeSize, Unsafe.SizeOf<ggml_cplan>());
    }

    [Fact]
    public void GivenTheLoadedGgml_WhenTypeTraitsAreRead_ThenSizesAgreeWithGgmlsOwnAccessors()
    {
        LlamaLibrary.EnsureInitialized();
        for (var type = 0; type < GgmlNative.GGML_TYPE_COUNT; type++)
        {
            var traits = GgmlNative.ggml_get_type_traits(type);
            if (traits->blck_size == 0) continue; // removed type ids keep an empty slot
            Assert.Equal(GgmlNative.ggml_blck_size(type), traits->blck_size);
            Assert.Equal(GgmlNative.ggml_type_size(type), traits->type_size);
            Assert.Equal(LlamaLibrary.Utf8(GgmlNative.ggml_type_name(type)), LlamaLibrary.Utf8(traits->type_name));
        }
        Assert.Equal("q8_0", LlamaLibrary.Utf8(GgmlNative.ggml_type_name(8)));
        Assert.Equal("mxfp4", LlamaLibrary.Utf8(GgmlNative.ggml_type_name(39)));
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
    public void GivenTheNuGetBackend_WhenLlamaCppStarts_ThenACpuDeviceExists() =>
        Assert.Contains(LlamaLibrary.Devices(), d => d.StartsWith("CPU", StringComparison.OrdinalIgnoreCase));
}
