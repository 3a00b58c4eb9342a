namespace Probing.Gguf;

/// <summary>
/// A parsed and validated GGUF file: version, alignment, typed metadata in file order, and the
/// tensor directory. The tensor bytes stay in the read-only memory map until they are asked for;
/// dispose the file to release the map.
/// </summary>
public sealed unsafe class GgufFile : IDisposable
{
    /// <summary>The metadata key that overrides the default 32-byte data alignment.</summary>
    public const string AlignmentKey = "general.alignment";

    /// <summary>The metadata key naming the model architecture (<c>llama</c>, <c>gpt2</c>, …).</summary>
    public const string ArchitectureKey = "general.architecture";

    private readonly GgufDataSource _source;
    private readonly Dictionary<string, GgufValue> _metadata;
    private readonly Dictionary<string, GgufTensorInfo> _tensorsByName;

    internal GgufFile(
        GgufDataSource source, string path, uint version, uint alignment, long dataOffset,
        List<KeyValuePair<string, GgufValue>> pairs, Dictionary<string, GgufValue> metadata, List<GgufTensorInfo> tensors)
    {
        _source = source;
        Path = path;
        Version = version;
        Alignment = alignment;
        DataOffset = dataOffset;
        _metadata = metadata;
        MetadataKeys = pairs.Select(p => p.Key).ToArray();
        Tensors = tensors;
        _tensorsByName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The path it was read from (or a label for in-memory input).</summary>
    public string Path { get; }

    /// <summary>GGUF format version (2 or 3).</summary>
    public uint Version { get; }

    /// <summary>Data alignment in bytes (<c>general.alignment</c>, default 32).</summary>
    public uint Alignment { get; }

    /// <summary>Absolute file offset of the tensor data section.</summary>
    public long DataOffset { get; }

    /// <summary>Length of the file in bytes.</summary>
    public long FileSize => _source.Length;

    /// <summary>Every metadata value by key.</summary>
    public IReadOnlyDictionary<string, GgufValue> Metadata => _metadata;

    /// <summary>The metadata keys in the order the file stores them.</summary>
    public IReadOnlyList<string> MetadataKeys { get; }

    /// <summary>The tensor directory in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>The model architecture (<c>general.architecture</c>).</summary>
    /// <exception cref="InvalidDataException">The key is missing or not a string.</exception>
    public string Architecture => GetString(ArchitectureKey);

    /// <summary>Whether the metadata has <paramref name="key"/>.</summary>
    public bool Contains(string key) => _metadata.ContainsKey(key);

    /// <summary>The value of <paramref name="key"/>, or null when it is missing.</summary>
    public GgufValue? Find(string key) => _metadata.GetValueOrDefault(key);

    /// <summary>The value of <paramref name="key"/>.</summary>
    /// <exception cref="InvalidDataException">The key is missing.</exception>
    public GgufValue Get(string key) => Find(key)
        ?? throw new InvalidDataException($"{Path}: metadata key '{key}' is missing; the model file is incomplete for this use.");

    /// <summary>A string value.</summary>
    public string GetString(string key) => Get(key).Value as string ?? throw WrongType(key, "a string");

    /// <summary>A bool value.</summary>
    public bool GetBool(string key) => Get(key).Value is bool b ? b : throw WrongType(key, "a bool");

    /// <summary>Any integer value that fits in a uint32 (GGUF writers differ in the integer type they pick).</summary>
    public uint GetUInt32(string key)
    {
        var value = GetInt64(key);
        return value is >= 0 and <= uint.MaxValue ? (uint)value : throw WrongType(key, "a UInt32");
    }

    /// <summary>Any integer value as a signed 64-bit integer.</summary>
    public long GetInt64(string key)
    {
        var value = Get(key);
        if (value.IsArray || value.Type is GgufType.String or GgufType.Bool or GgufType.Float32 or GgufType.Float64)
            throw WrongType(key, "an integer");
        return value.Value is ulong big && big > long.MaxValue ? throw WrongType(key, "an integer below 2^63") : value.AsInt64();
    }

    /// <summary>Any numeric value as a float (llama.cpp stores epsilons and RoPE bases as Float32).</summary>
    public float GetFloat32(string key)
    {
        var value = Get(key);
        if (value.IsArray || value.Type is GgufType.String or GgufType.Bool) throw WrongType(key, "a number");
        return (float)value.AsDouble();
    }

    /// <summary>The elements of an array value as <typeparamref name="T"/>[] (<c>string[]</c>, <c>float[]</c>, <c>int[]</c>, …).</summary>
    public T[] GetArray<T>(string key) => Get(key).Value as T[] ?? throw WrongType(key, $"an array of {typeof(T).Name}");

    /// <summary>The number of elements of an array value.</summary>
    public int GetArrayLength(string key)
    {
        var value = Get(key);
        return value.IsArray ? value.Count : throw WrongType(key, "an array");
    }

    /// <summary>The directory entry of tensor <paramref name="name"/>, or null when there is none.</summary>
    public GgufTensorInfo? FindTensor(string name) => _tensorsByName.GetValueOrDefault(name);

    /// <summary>The directory entry of tensor <paramref name="name"/>.</summary>
    /// <exception cref="InvalidDataException">The file has no such tensor.</exception>
    public GgufTensorInfo GetTensor(string name) => FindTensor(name)
        ?? throw new InvalidDataException($"{Path}: the model has no tensor '{name}'.");

    /// <summary>
    /// The raw bytes of a tensor, straight from the memory map (no copy). The span is valid until the
    /// file is disposed.
    /// </summary>
    /// <exception cref="NotSupportedException">The tensor is 2 GiB or larger (a span cannot hold it).</exception>
    public ReadOnlySpan<byte> GetTensorBytes(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_source.IsDisposed, this);
        if (!_tensorsByName.TryGetValue(tensor.Name, out var own) || own != tensor)
            throw new ArgumentException($"tensor '{tensor.Name}' does not belong to {Path}.", nameof(tensor));
        if (tensor.ByteSize > int.MaxValue)
            throw new NotSupportedException($"{Path}: tensor '{tensor.Name}' is {tensor.ByteSize} bytes; spans over 2 GiB are not supported.");
        // The parser checked FileOffset + ByteSize <= FileSize, so this view is inside the map.
        return new ReadOnlySpan<byte>(_source.Pointer + tensor.FileOffset, (int)tensor.ByteSize);
    }

    /// <summary>
    /// The address of a tensor's raw bytes in the memory map (no copy), for native code that reads a tensor of any
    /// size, such as a 70B model's F16 unembedding (over 2 GiB, more than a span holds). Valid until the file is disposed.
    /// </summary>
    public byte* GetTensorPointer(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_source.IsDisposed, this);
        if (!_tensorsByName.TryGetValue(tensor.Name, out var own) || own != tensor)
            throw new ArgumentException($"tensor '{tensor.Name}' does not belong to {Path}.", nameof(tensor));
        // The parser checked FileOffset + ByteSize <= FileSize.
        return _source.Pointer + tensor.FileOffset;
    }

    /// <summary>
    /// A tensor's values as floats, for F32, F16, BF16 and Q8_0 tensors (other quantized types are
    /// decoded by ggml itself through the native binding).
    /// </summary>
    public float[] ReadTensorFloats(string name)
    {
        var tensor = GetTensor(name);
        return GgmlConvert.ToFloat32(tensor.Type, GetTensorBytes(tensor), tensor.ElementCount);
    }

    /// <summary>Releases the memory map.</summary>
    public void Dispose() => _source.Dispose();

    private InvalidDataException WrongType(string key, string wanted) =>
        new($"{Path}: metadata '{key}' is {Get(key).Describe()}, but {wanted} was expected.");
}
