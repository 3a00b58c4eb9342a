namespace Probing.Gguf;

/// <summary>
/// The storage type of a tensor, with the numeric ids of <c>enum ggml_type</c> in the pinned
/// llama.cpp (ids 4, 5, 31-33 and 36-38 were removed from ggml and are rejected).
/// </summary>
public enum GgmlType
{
    /// <summary>32-bit float.</summary>
    F32 = 0,
    /// <summary>16-bit IEEE half.</summary>
    F16 = 1,
    /// <summary>4-bit, blocks of 32 with an fp16 scale.</summary>
    Q4_0 = 2,
    /// <summary>4-bit, blocks of 32 with fp16 scale and minimum.</summary>
    Q4_1 = 3,
    /// <summary>5-bit, blocks of 32.</summary>
    Q5_0 = 6,
    /// <summary>5-bit with minimum, blocks of 32.</summary>
    Q5_1 = 7,
    /// <summary>8-bit, blocks of 32 int8 values with one fp16 scale (34 bytes per block).</summary>
    Q8_0 = 8,
    /// <summary>8-bit with sum, blocks of 32 (an activation type).</summary>
    Q8_1 = 9,
    /// <summary>K-quant, 2-bit, super-blocks of 256.</summary>
    Q2_K = 10,
    /// <summary>K-quant, 3-bit.</summary>
    Q3_K = 11,
    /// <summary>K-quant, 4-bit.</summary>
    Q4_K = 12,
    /// <summary>K-quant, 5-bit.</summary>
    Q5_K = 13,
    /// <summary>K-quant, 6-bit.</summary>
    Q6_K = 14,
    /// <summary>K-quant, 8-bit (an activation type).</summary>
    Q8_K = 15,
    /// <summary>i-quant IQ2_XXS.</summary>
    IQ2_XXS = 16,
    /// <summary>i-quant IQ2_XS.</summary>
    IQ2_XS = 17,
    /// <summary>i-quant IQ3_XXS.</summary>
    IQ3_XXS = 18,
    /// <summary>i-quant IQ1_S.</summary>
    IQ1_S = 19,
    /// <summary>i-quant IQ4_NL, blocks of 32.</summary>
    IQ4_NL = 20,
    /// <summary>i-quant IQ3_S.</summary>
    IQ3_S = 21,
    /// <summary>i-quant IQ2_S.</summary>
    IQ2_S = 22,
    /// <summary>i-quant IQ4_XS.</summary>
    IQ4_XS = 23,
    /// <summary>8-bit integer.</summary>
    I8 = 24,
    /// <summary>16-bit integer.</summary>
    I16 = 25,
    /// <summary>32-bit integer.</summary>
    I32 = 26,
    /// <summary>64-bit integer.</summary>
    I64 = 27,
    /// <summary>64-bit float.</summary>
    F64 = 28,
    /// <summary>i-quant IQ1_M.</summary>
    IQ1_M = 29,
    /// <summary>bfloat16.</summary>
    BF16 = 30,
    /// <summary>Ternary TQ1_0.</summary>
    TQ1_0 = 34,
    /// <summary>Ternary TQ2_0.</summary>
    TQ2_0 = 35,
    /// <summary>MXFP4, blocks of 32.</summary>
    MXFP4 = 39,
    /// <summary>NVFP4, blocks of 64 with E4M3 scales.</summary>
    NVFP4 = 40,
    /// <summary>1-bit Q1_0, blocks of 128.</summary>
    Q1_0 = 41,
    /// <summary>2-bit Q2_0, blocks of 64.</summary>
    Q2_0 = 42,
}
