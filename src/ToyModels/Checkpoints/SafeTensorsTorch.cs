using TorchSharp;
using static TorchSharp.torch;

namespace Probing.ToyModels.Checkpoints;

/// <summary>Converts between TorchSharp tensors and <see cref="SafeTensorEntry"/> values.</summary>
public static class SafeTensorsTorch
{
    /// <summary>A safetensors entry holding a copy of <paramref name="tensor"/>'s values (moved to the CPU).</summary>
    public static SafeTensorEntry ToEntry(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var cpu = tensor.detach().cpu().contiguous();
        var dtype = cpu.dtype switch
        {
            ScalarType.Float32 => "F32",
            ScalarType.Float64 => "F64",
            ScalarType.Float16 => "F16",
            ScalarType.BFloat16 => "BF16",
            ScalarType.Int64 => "I64",
            ScalarType.Int32 => "I32",
            ScalarType.Int16 => "I16",
            ScalarType.Int8 => "I8",
            ScalarType.Byte => "U8",
            ScalarType.Bool => "BOOL",
            _ => throw new NotSupportedException($"Tensor dtype {cpu.dtype} cannot be stored in safetensors here; convert it to float32 first."),
        };
        return new SafeTensorEntry(dtype, cpu.shape.ToArray(), cpu.bytes.ToArray());
    }

    /// <summary>A new CPU tensor with the entry's dtype, shape and values.</summary>
    public static Tensor ToTensor(SafeTensorEntry entry)
    {
        var dtype = entry.DType switch
        {
            "F32" => ScalarType.Float32,
            "F64" => ScalarType.Float64,
            "F16" => ScalarType.Float16,
            "BF16" => ScalarType.BFloat16,
            "I64" => ScalarType.Int64,
            "I32" => ScalarType.Int32,
            "I16" => ScalarType.Int16,
            "I8" => ScalarType.Int8,
            "U8" => ScalarType.Byte,
            "BOOL" => ScalarType.Bool,
            _ => throw new NotSupportedException($"safetensors dtype {entry.DType} is not supported by TorchSharp here; convert the file to F32."),
        };
        var tensor = empty(entry.Shape, dtype);
        if (entry.Data.Length > 0) tensor.bytes = entry.Data;
        return tensor;
    }
}
