namespace Probing.IclHarness.Llama;

/// <summary>
/// llama_decode returned an error (a failed compute: out of memory on a busy GPU, say). Unlike a bad input it may not
/// happen again, so a sharded run does not record it as the sweep's permanent failure and a rerun retries.
/// </summary>
public sealed class LlamaDecodeException : InvalidOperationException
{
    /// <summary>The failure with llama.cpp's return code and last logged problem in <paramref name="message"/>.</summary>
    public LlamaDecodeException(string message) : base(message)
    {
    }
}
