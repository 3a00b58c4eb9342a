namespace Probing.Gguf;

/// <summary>
/// Bytes a <see cref="GgufFile"/> is parsed from and whose tensor data it hands out: a read-only
/// memory map of a file (models are gigabytes; nothing is copied), or a native copy of a buffer.
/// </summary>
internal abstract unsafe class GgufDataSource : IDisposable
{
    public byte* Pointer { get; protected set; }

    public long Length { get; protected set; }

    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        Release();
        Pointer = null;
    }

    protected abstract void Release();
}
