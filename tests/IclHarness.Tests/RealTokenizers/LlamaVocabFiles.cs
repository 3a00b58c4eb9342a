using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Probing.IclHarness.Tests.RealTokenizers;

/// <summary>
/// llama.cpp's vocab-only GGUFs of real tokenizers (<c>models/ggml-vocab-*.gguf</c>), fetched at test time and
/// cached outside the repository, never committed. Source: the npm package <c>node-llama-cpp@3.22.1</c>, whose
/// <c>llama/gitRelease.bundle</c> is a git bundle of the llama.cpp tree it was built from. The tarball is
/// downloaded with <see cref="HttpClient"/> (no npm needed), checked against a pinned SHA-512, and the vocab
/// files are read out of the bundle with <c>git</c> (present wherever the repository was cloned).
/// Nothing here skips: without the network or git the fixture fails with a message that says what to do.
/// </summary>
public static class LlamaVocabFiles
{
    /// <summary>The npm tarball carrying llama.cpp's source tree.</summary>
    public const string TarballUrl = "https://registry.npmjs.org/node-llama-cpp/-/node-llama-cpp-3.22.1.tgz";

    /// <summary>The registry's <c>dist.integrity</c> of that tarball.</summary>
    public const string TarballSha512 = "bltIipuWmc123H7tMIgDGKSsSrhmhlQYeVUC48XTjVW7XGJJiJJyCdlTMzQ/LiWoPkGDpcL4FviDpgw7qfTiDw==";

    /// <summary>The llama.cpp commit the bundle holds.</summary>
    public const string Commit = "de3ff815ea7d559ee917f063901b8986f038abc6";

    /// <summary>The vocabularies the fixtures use (file name without <c>ggml-vocab-</c> and <c>.gguf</c>).</summary>
    public static readonly string[] Names = ["llama-bpe", "llama-spm", "qwen2", "gpt-2", "phi-3", "gemma-4", "falcon"];

    private static readonly Lock Gate = new();

    /// <summary>
    /// The cache folder: <c>$PROBING_VOCAB_CACHE</c>, else <c>$XDG_CACHE_HOME/probing/llama-vocab/COMMIT</c>,
    /// else <c>~/.cache/probing/llama-vocab/COMMIT</c>.
    /// </summary>
    public static string CacheFolder
    {
        get
        {
            var set = Environment.GetEnvironmentVariable("PROBING_VOCAB_CACHE");
            if (!string.IsNullOrEmpty(set)) return set;
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "probing", "llama-vocab", Commit[..12]);
        }
    }

    /// <summary>Path of <c>ggml-vocab-NAME.gguf</c>, fetching every vocabulary of <see cref="Names"/> on first use.</summary>
    public static string PathOf(string name)
    {
        var path = Path.Combine(CacheFolder, $"ggml-vocab-{name}.gguf");
        lock (Gate)
        {
            if (!File.Exists(path)) Fetch();
        }
        if (!File.Exists(path)) throw new InvalidOperationException($"llama.cpp {Commit[..12]} has no models/ggml-vocab-{name}.gguf");
        return path;
    }

    private static void Fetch()
    {
        Directory.CreateDirectory(CacheFolder);
        var work = Path.Combine(CacheFolder, ".fetch-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            var bundle = Path.Combine(work, "gitRelease.bundle");
            ExtractBundle(Download(), bundle);
            var repo = Path.Combine(work, "repo.git");
            Git(null, "init", "-q", "--bare", repo);
            Git(repo, "fetch", "-q", bundle, "HEAD:refs/heads/bundle");
            var head = System.Text.Encoding.ASCII.GetString(Git(repo, "rev-parse", "refs/heads/bundle")).Trim();
            if (head != Commit) throw new InvalidOperationException($"the bundle holds llama.cpp {head}, not the pinned {Commit}");
            foreach (var name in Names)
            {
                var bytes = Git(repo, "cat-file", "blob", $"refs/heads/bundle:models/ggml-vocab-{name}.gguf");
                var target = Path.Combine(CacheFolder, $"ggml-vocab-{name}.gguf");
                var temp = Path.Combine(work, $"ggml-vocab-{name}.gguf");
                File.WriteAllBytes(temp, bytes);
                // rename(2) is atomic: another test process sees the whole file or none.
                File.Move(temp, target, overwrite: true);
            }
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static byte[] Download()
    {
        byte[] tarball;
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            tarball = http.GetByteArrayAsync(TarballUrl).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            throw new InvalidOperationException(
                $"the real-tokenizer fixtures need llama.cpp's vocab files, fetched once from {TarballUrl} into {CacheFolder}, and the download failed ({ex.Message}). " +
                $"Connect to the npm registry, or put models/ggml-vocab-*.gguf of llama.cpp {Commit[..12]} into that folder (or $PROBING_VOCAB_CACHE).", ex);
        }
        var hash = Convert.ToBase64String(SHA512.HashData(tarball));
        if (hash != TarballSha512)
            throw new InvalidOperationException($"{TarballUrl} has sha512 {hash}, not the pinned {TarballSha512}; refusing to use it");
        return tarball;
    }

    private static void ExtractBundle(byte[] tarball, string bundle)
    {
        using var gzip = new GZipStream(new MemoryStream(tarball), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.Name != "package/llama/gitRelease.bundle" || entry.DataStream is null) continue;
            using var output = File.Create(bundle);
            entry.DataStream.CopyTo(output);
            return;
        }
        throw new InvalidOperationException($"{TarballUrl} has no package/llama/gitRelease.bundle");
    }

    private static byte[] Git(string? gitDir, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (gitDir is not null) start.ArgumentList.Add("--git-dir=" + gitDir);
        foreach (var a in args) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("git did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"the real-tokenizer fixtures read llama.cpp's vocab files out of a git bundle and need 'git' on PATH ({ex.Message})", ex);
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            using var memory = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(memory);
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"git {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result.Trim()}");
            return memory.ToArray();
        }
    }
}
