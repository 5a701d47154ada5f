"""Native files in a zip package against the function's architecture: each ELF file's
``e_machine`` (x86_64 62, aarch64 183), and for a shared library whose header cannot
be read, its name's platform tag (``manylinux..._x86_64``, ``-aarch64-linux-gnu.so``).
Pure: bytes in, the files that would not load out."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

ELF_MAGIC = b"\x7fELF"
MACHINES = {62: "x86_64", 183: "arm64"}  # e_machine -> Lambda's architecture name
MAX_MEMBERS = 5000  # members whose first bytes are read (a package's native files are few)
_TAGS = (
    (re.compile(r"x86_64|amd64", re.IGNORECASE), "x86_64"),
    (re.compile(r"aarch64|arm64", re.IGNORECASE), "arm64"),
)
_SHARED = re.compile(r"\.so(\.\d+)*$")


@dataclass(frozen=True)
class NativeFile:
    path: str
    architecture: str  # x86_64 or arm64
    by: str  # "ELF header" or "file name"


def native_files(package: bytes) -> list[NativeFile]:
    """The package's native files whose architecture is known."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(package))
    except zipfile.BadZipFile:
        return []
    found: list[NativeFile] = []
    with archive:
        for info in archive.infolist()[:MAX_MEMBERS]:
            if info.is_dir() or info.file_size < 20:
                continue
            shared = bool(_SHARED.search(info.filename))
            if not shared and not _maybe_executable(info):
                continue
            arch = _elf_machine(archive, info)
            if arch is not None:
                found.append(NativeFile(info.filename, arch, "ELF header"))
            elif shared:
                tagged = next((a for tag, a in _TAGS if tag.search(info.filename)), None)
                if tagged is not None:
                    found.append(NativeFile(info.filename, tagged, "file name"))
    return found


def mismatches(package: bytes, architecture: str) -> list[NativeFile]:
    """The native files built for another architecture than ``architecture``."""
    return [f for f in native_files(package) if f.architecture != architecture]


def _maybe_executable(info: zipfile.ZipInfo) -> bool:
    """A file with no extension or executable bits (``bin/tool``, a Go ``bootstrap``)."""
    mode = info.external_attr >> 16
    name = info.filename.rsplit("/", 1)[-1]
    return bool(mode & 0o111) or "." not in name


def _elf_machine(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str | None:
    try:
        with archive.open(info) as member:
            head = member.read(20)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return None
    if len(head) < 20 or not head.startswith(ELF_MAGIC):
        return None
    machine = head[18:20]
    value = int.from_bytes(machine, "little") if head[5] == 1 else int.from_bytes(machine, "big")
    return MACHINES.get(value)
