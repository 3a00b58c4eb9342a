#!/usr/bin/env python3
"""Mark one GLIBCXX version need of an ELF shared library as weak, in place (atomically).

Why: TorchSharp 0.107's libLibTorchSharp.so records a need for GLIBCXX_3.4.32 (GCC 13's libstdc++)
only because of std::ios_base_library_init, which it never calls. Debian 12 and Ubuntu 22.04 ship
GCC 12's libstdc++ (up to GLIBCXX_3.4.30), so the dynamic loader refuses the library. The loader
treats a missing version whose Vernaux entry carries VER_FLG_WEAK (0x2) as a warning, not an error,
so setting that flag on the one entry makes the library load. Nothing else in the file changes.

Usage: weaken_glibcxx.py LIBRARY [--version GLIBCXX_3.4.32] [--libstdcxx PATH] [--check]
  - Does nothing when the host's libstdc++ already defines the version (unless --force).
  - Idempotent: a flag that is already set is left alone and the file is not rewritten.
  - Rewrites through a temporary file + rename (never writes through a hard link into a
    package cache) and keeps the original modification time, so MSBuild's incremental copy
    (same size, same timestamp) keeps seeing the patched copy as up to date.
  - --check: exit 0 if the need is weak or the host has the version, 1 otherwise; writes nothing.
Exit codes: 0 ok, 1 check failed, 2 bad input.
"""
import os
import struct
import subprocess
import sys
import tempfile

VER_FLG_WEAK = 0x2
SHT_GNU_VERNEED = 0x6FFFFFFE


def find_libstdcxx():
    """The libstdc++.so.6 the dynamic loader would pick (ldconfig cache first, then usual paths)."""
    try:
        out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.strip().startswith("libstdc++.so.6 ") and "x86-64" in line and "=>" in line:
                return line.split("=>", 1)[1].strip()
    except OSError:
        pass
    for path in ("/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6"):
        if os.path.exists(path):
            return path
    return None


def host_has_version(version, libstdcxx):
    """True when the host libstdc++ defines the version: its name appears NUL-delimited in the file
    (version definitions live in .dynstr; a byte search avoids a second ELF walk)."""
    if libstdcxx is None:
        return False
    with open(libstdcxx, "rb") as f:
        return b"\0" + version.encode() + b"\0" in f.read()


def find_vernaux(data, version):
    """Offsets of the vna_flags fields of every Vernaux entry whose name is `version`."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    e_shoff, = struct.unpack_from("<Q", data, 0x28)
    e_shentsize, e_shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for i in range(e_shnum):
        base = e_shoff + i * e_shentsize
        sh_name, sh_type, _flags, _addr, sh_offset, sh_size, sh_link, sh_info = struct.unpack_from("<IIQQQQII", data, base)
        sections.append((sh_type, sh_offset, sh_size, sh_link, sh_info))
    hits = []
    for sh_type, sh_offset, _size, sh_link, sh_info in sections:
        if sh_type != SHT_GNU_VERNEED:
            continue
        strtab = sections[sh_link][1]
        entry = sh_offset
        for _ in range(sh_info):  # sh_info = number of Verneed entries
            _vn_version, vn_cnt, _vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, entry)
            aux = entry + vn_aux
            for _ in range(vn_cnt):
                _hash, _flags, _other, vna_name, vna_next = struct.unpack_from("<IHHII", data, aux)
                end = data.index(b"\0", strtab + vna_name)
                if data[strtab + vna_name:end].decode() == version:
                    hits.append(aux + 4)
                if vna_next == 0:
                    break
                aux += vna_next
            if vn_next == 0:
                break
            entry += vn_next
    return hits


def main(argv):
    args = list(argv)
    version, libstdcxx, check, force = "GLIBCXX_3.4.32", None, False, False
    paths = []
    while args:
        a = args.pop(0)
        if a == "--version":
            version = args.pop(0)
        elif a == "--libstdcxx":
            libstdcxx = args.pop(0)
        elif a == "--check":
            check = True
        elif a == "--force":
            force = True
        else:
            paths.append(a)
    if len(paths) != 1:
        print("usage: weaken_glibcxx.py LIBRARY [--version V] [--libstdcxx PATH] [--check] [--force]", file=sys.stderr)
        return 2
    path = paths[0]
    if libstdcxx is None:
        libstdcxx = find_libstdcxx()
    has = host_has_version(version, libstdcxx)
    with open(path, "rb") as f:
        data = bytearray(f.read())
    try:
        hits = find_vernaux(data, version)
    except (ValueError, struct.error, IndexError) as e:
        print(f"weaken_glibcxx: {path}: {e}", file=sys.stderr)
        return 2
    weak = all(struct.unpack_from("<H", data, o)[0] & VER_FLG_WEAK for o in hits)
    if check:
        return 0 if (has or weak) else 1
    if (has and not force) or weak:
        return 0  # nothing to do: loads as is, or already patched
    for o in hits:
        flags, = struct.unpack_from("<H", data, o)
        struct.pack_into("<H", data, o, flags | VER_FLG_WEAK)
    st = os.stat(path)
    fd, tmp = tempfile.mkstemp(prefix=".weaken-", dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, st.st_mode & 0o7777)
        os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    print(f"weaken_glibcxx: marked {version} weak in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
