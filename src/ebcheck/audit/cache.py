"""The result cache: each file's first pass, kept by what it depends on.

An entry is keyed by the file's bytes and shown path under a salt made of
everything else a file's result depends on: the ebcheck version, the rule
pack's contents, the effective settings and the audit date (and, with
`--history`, the history read). Change any of them and the entry is simply
never asked for again. Entries are JSON, written whole by a rename (so a
concurrent writer never leaves half a file), headed by the key and the
SHA-256 of their content: an entry that does not match both is a miss, and is
rewritten. The cache keeps the
newest few salts and at most `MAX_ENTRIES` entries in each, so it cannot grow
without bound. Repository rules (HY005) never come from the cache: they run
over every deal on every run.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ebcheck.atomic import replace_file
from ebcheck.audit import cachecodec
from ebcheck.audit.findings import Finding, Settled
from ebcheck.audit.settings import Settings
from ebcheck.deal.load import Loaded
from ebcheck.version import __version__

FOLDER_NAME = ".ebcheck_cache"
LAYOUT = "v1"
MAX_SALTS = 4
"""Settings (or days) kept side by side: switching between a few is cheap."""
MAX_ENTRIES = 100_000
"""Entries per salt; past it nothing more is written until the salt ages out."""
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# The ebcheck result cache.\n"


def default_folder(settings: Settings) -> Path:
    return (settings.config_root or settings.root) / FOLDER_NAME


def settings_salt(settings: Settings, pack_digest: str, history_digest: str) -> str:
    """Everything but the file itself that a file's first pass depends on."""
    relevant = (
        __version__,
        cachecodec.FORMAT,
        pack_digest,
        history_digest,
        (settings.as_of or settings.today).isoformat(),
        settings.lang,
        settings.select,
        settings.ignore,
        sorted((k, repr(v)) for k, v in settings.rules.items()),
        sorted((k, v.value) for k, v in settings.stages.items()),
        sorted(settings.small_deal_below.items()),
        settings.default_currency,
        settings.history,
    )
    return hashlib.sha256(repr(relevant).encode("utf-8")).hexdigest()


@functools.cache
def code_digest(pack_folder: Path) -> str:
    """The rule pack and ebcheck's own code and messages: a change to any is a new salt.

    The version alone would do for releases; a checkout being worked on needs this.
    """
    package = Path(__file__).resolve().parents[1]
    files = [
        path
        for folder in (pack_folder, package)
        for path in folder.rglob("*")
        if path.suffix in (".py", ".yaml") and path.is_file()
    ]
    return files_digest(files)


def files_digest(files: Iterable[Path]) -> str:
    """The contents of a rule pack (or any files), as one digest."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0")
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def history_digest(history: Mapping[str, Any]) -> str:
    if not history:
        return ""
    return hashlib.sha256(repr(sorted(history.items())).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Hit:
    loaded: Loaded
    findings: tuple[Finding, ...]
    settled: Settled | None


class FileCache:
    """The entries of one salt under one cache folder."""

    def __init__(self, root: Path, salt: str) -> None:
        self.root = root
        self.folder = root / LAYOUT / salt[:24]
        self._folder_text = str(self.folder)
        self.salt = salt
        self._salted = hashlib.sha256(salt.encode("ascii"))  # copied for every key
        self._full: bool | None = None
        self._touched = False

    def key(self, data: bytes, shown: str, reported: bool) -> str:
        digest = self._salted.copy()
        digest.update(shown.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(b"reported\0" if reported else b"loaded\0")
        digest.update(data)
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        return Path(self._entry_text(key))

    def _entry_text(self, key: str) -> str:
        # Text, not a Path: a warm run reads thousands of entries.
        return os.path.join(self._folder_text, key[:2], key + ".json")  # noqa: PTH118

    def get(self, key: str, outline: bool = False) -> Hit | None:
        """The entry for `key`, or None: missing, damaged or foreign entries alike. With
        `outline`, the deal is read back as its outline."""
        try:
            payload = self.read(key)
            if payload is None:
                return None
            loaded, findings, settled = cachecodec.decode(json.loads(payload), outline)
        except (OSError, ValueError, RecursionError):
            return None
        return Hit(loaded, findings, settled)

    def read(self, key: str) -> bytes | None:
        """The payload kept for `key` if its head names the key and its digest (else
        None); the caller still checks what the payload says."""
        if not self._touched:
            self._touched = True
            with contextlib.suppress(OSError):
                os.utime(self.folder)  # in use: not the one to age out
        try:
            # Unbuffered: the entry is read whole, once (a buffer would copy it again).
            with open(self._entry_text(key), "rb", buffering=0) as entry:  # noqa: PTH123
                raw = entry.readall()
        except OSError:
            return None
        head, _, payload = raw.partition(b"\n")
        return payload if head == _head(key, payload) else None

    def write(self, key: str, payload: bytes) -> None:
        """Keep `payload` for `key`; a cache that cannot be written is no cache."""
        if self._is_full():
            return
        with contextlib.suppress(OSError):
            self._write(self._entry(key), _head(key, payload) + b"\n" + payload)

    def put(
        self,
        key: str,
        loaded: Loaded,
        findings: tuple[Finding, ...],
        settled: Settled | None = None,
    ) -> None:
        """Keep an entry; a cache that cannot be written is no cache, never an error."""
        try:
            result = cachecodec.encode(loaded, findings, settled)
            payload = json.dumps(result, ensure_ascii=False).encode("utf-8")
        except (TypeError, ValueError):
            return
        if not loaded.problems or _faithful(payload, loaded):
            self.write(key, payload)

    def derived(self, key: str, what: str) -> str:
        """The key of something else kept for the entry `key` (a report's text of it)."""
        return hashlib.sha256(f"{key}\0{what}".encode("utf-8", "surrogateescape")).hexdigest()

    def _is_full(self) -> bool:
        if self._full is None:
            self._full = _count_entries(self.folder) >= MAX_ENTRIES
            if not self._full:
                self._prepare()
        return self._full

    def _prepare(self) -> None:
        """Mark the folder as a cache (for git and backup tools) and age out old salts."""
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            os.utime(self.folder)
            for name, content in ((".gitignore", _IGNORE_ALL), ("CACHEDIR.TAG", _TAG)):
                marker = self.root / name
                if not marker.exists():
                    marker.write_text(content, encoding="utf-8")
            _age_out(self.root / LAYOUT, keep=self.folder)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, data)


def _head(key: str, payload: bytes) -> bytes:
    """An entry's first line: what it is, for which key, and the digest of the rest."""
    return f"ebcheck-cache {LAYOUT} {key} {hashlib.sha256(payload).hexdigest()}".encode("ascii")


def _faithful(payload: bytes, loaded: Loaded) -> bool:
    """Problems carry free-form facts: cache them only if they come back the same."""
    try:
        back, _, _ = cachecodec.decode(json.loads(payload))
    except ValueError:
        return False
    return back.problems == loaded.problems


def _count_entries(folder: Path) -> int:
    try:
        return sum(sum(1 for _ in sub.iterdir()) for sub in folder.iterdir() if sub.is_dir())
    except OSError:
        return 0


def _age_out(layout: Path, keep: Path) -> None:
    """Remove all but the `MAX_SALTS` most recently used salt folders."""
    folders = [p for p in layout.iterdir() if p.is_dir() and p != keep]
    folders.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in folders[MAX_SALTS - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


_IGNORE_ALL = "*\n"


def _tagged(root: Path) -> bool:
    try:
        return (root / "CACHEDIR.TAG").read_text(encoding="utf-8") == _TAG
    except (OSError, UnicodeDecodeError):
        return False


def is_foreign(root: Path) -> bool:
    """A folder that holds something and is no ebcheck cache (neither our tag nor our
    layout): an audit does not keep its cache there and `clean` leaves it, so that
    `--cache-dir deals` can never lose a deal."""
    try:
        if not root.is_dir() or _tagged(root) or (root / LAYOUT).is_dir():
            return False
        return next(root.iterdir(), None) is not None
    except OSError:
        return False


def clean(root: Path) -> bool:
    """Remove a cache folder's entries and markers, and the folder if nothing else is in
    it; False when there was none. Refuses what is not a cache, and removes nothing it
    did not write."""
    if not root.is_dir():
        return False
    if not _tagged(root) and not (root / LAYOUT).is_dir():
        raise NotACacheError(str(root))
    shutil.rmtree(root / LAYOUT, ignore_errors=True)
    ignore = root / ".gitignore"
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if ignore.read_text(encoding="utf-8") == _IGNORE_ALL:
            ignore.unlink()
    if _tagged(root):
        (root / "CACHEDIR.TAG").unlink()
    with contextlib.suppress(OSError):
        root.rmdir()  # only when empty: what someone else put there stays
    return True


class NotACacheError(Exception):
    """A folder asked to be cleaned that does not look like an ebcheck cache."""
