"""Each engine's send journal: which claims reached the transport and how each was answered.

After a crash the ledger only knows what was marked as about to be sent; the journal knows what
really left and what came back, so a `kill -9` costs what was on the wire, not what was marked.
Each line is one `os.write` to a file opened for appending: no buffer in the process, so the
kernel holds every line even when the process is killed mid-send. A machine that restarts may
lose the last lines; then only the answers written are believed, never an absence.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.engine import make_url

from nudgebot.domain.deliveries import SendResult
from nudgebot.domain.settlement import StaleClaim, Testimony
from nudgebot.domain.statuses import DeliveryStatus
from nudgebot.telegram.send_errors import SendNotStarted

log = logging.getLogger(__name__)

__all__ = ["SendJournal", "Witness", "default_directory", "journal_path", "read_line"]

MAGIC = "nudgebot-send-journal 1"
_HOST = socket.gethostname().replace(" ", "_")
SUFFIX = ".sends"


def boot_id() -> str:
    """This boot of the machine (Linux), or '' where the system does not say."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def default_directory(database_url: str, base: Path | None = None) -> Path | None:
    """Where an engine of this database journals: a folder of its own under `base`
    (NUDGEBOT_SEND_JOURNAL_DIR, else the user's state directory), so engines of one database on
    this machine find each other's journals and never another database's."""
    if base is None:
        try:
            base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
        except RuntimeError:  # no home directory
            return None
        base = base / "nudgebot" / "send-journals"
    plain = make_url(database_url).render_as_string(hide_password=True)
    return base / hashlib.sha256(plain.encode()).hexdigest()[:16]


def journal_path(directory: Path, claimer: str) -> Path:
    """The journal of the engine that claims as `claimer`."""
    return directory / f"{claimer}{SUFFIX}"


def read_line(line: bytes) -> tuple[bytes, int, int] | None:
    """A whole line's (kind, delivery id, message id). The kind is h (handed over), s (sent) or
    n (not delivered); ? when the line names a delivery but the rest does not parse. None when
    the line is not whole or names no delivery (the header)."""
    parts = line.split()
    if not line.endswith(b"\n") or len(parts) not in (2, 3) or not parts[1].isdigit():
        return None
    kind, delivery = parts[0], int(parts[1])
    if kind == b"s" and len(parts) == 3 and parts[2].isdigit():
        return kind, delivery, int(parts[2])
    if kind in (b"h", b"n") and len(parts) == 2:
        return kind, delivery, 0
    return b"?", delivery, 0


class SendJournal:
    """The journal of one engine (one claimer), opened on its first send."""

    def __init__(self, directory: Path, claimer: str) -> None:
        self._path = journal_path(directory, claimer)
        self._fd: int | None = None
        self._off = False  # a write failed: nothing more is written until the drain ends
        self._left_behind = False  # ... and the file could not be removed
        # This engine created the file and has not removed it since: a directory it cannot
        # write or search then holds no journal of its claimer (a new one per engine).
        self._exists = False

    def handed_over(self, delivery_id: int) -> None:
        """Written before the request's first byte; if it cannot be, the request is not sent."""
        self._write(b"h %d\n" % delivery_id, before_send=True)

    def answered(self, result: SendResult) -> None:
        """Written before the answer is recorded; a 'maybe sent' answer stays a hand-over."""
        if result.status == DeliveryStatus.SENT:
            self._write(b"s %d %d\n" % (result.claim.delivery_id, result.message_id or 0))
        elif result.status != DeliveryStatus.UNKNOWN:
            self._write(b"n %d\n" % result.claim.delivery_id)

    def clear(self) -> None:
        """Every claim it names is recorded: remove the file (the next send opens a new one)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        elif not self._off:
            return  # nothing was sent since the last time
        if not self._remove():
            self._off = self._left_behind = True
            return
        self._off = self._left_behind = False

    def _write(self, line: bytes, *, before_send: bool = False) -> None:
        if self._off:
            if before_send and self._left_behind:
                # A journal that no longer names every hand-over would have one resent.
                raise SendNotStarted("the send journal could neither be written nor removed")
            return
        try:
            if self._fd is None:
                self._fd = self._open()
            written = os.write(self._fd, line)
            if written != len(line):
                raise OSError(f"wrote {written} of {len(line)} bytes")
        except OSError as error:
            self._switch_off(error)
            self._write(line, before_send=before_send)

    def _open(self) -> int:
        self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
        self._exists = True
        # The pid of the process that writes, read now: an engine made before a fork sends from
        # the child.
        header = f"{MAGIC} pid={os.getpid()} boot={boot_id()} host={_HOST}\n".encode()
        try:
            os.ftruncate(fd, 0)
            if os.write(fd, header) != len(header):
                raise OSError("short write")
        except OSError:
            os.close(fd)
            raise
        return fd

    def _switch_off(self, error: OSError) -> None:
        """A journal that missed a line would have a hand-over resent after a crash: remove it,
        so that a crash costs what was marked, as without one."""
        log.warning("send journal off until the drain ends: %s", error)
        self._off = True
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if not self._remove():
            self._left_behind = True

    def _remove(self) -> bool:
        if self._exists and not _remove(self._path):
            return False
        self._exists = False
        return True


class Witness:
    """Reads the journals that dead engines left in one directory."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    def __call__(self, claims: Sequence[StaleClaim]) -> Mapping[str, Testimony]:
        wanted: dict[str, set[int]] = {}
        for claim in claims:
            if claim.marked:
                wanted.setdefault(claim.claimed_by, set()).add(claim.delivery_id)
        testimonies: dict[str, Testimony] = {}
        for claimer, ids in wanted.items():
            testimony = self._testimony(claimer, ids)
            if testimony is not None:
                testimonies[claimer] = testimony
        return testimonies

    def dead_claimers(self) -> list[str]:
        """Claimers whose journals are here and whose process is gone."""
        found = []
        try:
            paths = list(self._directory.glob(f"*{SUFFIX}"))
        except OSError:
            return []
        for path in paths:
            header = _header(path)
            if header is not None and not _alive(*header):
                found.append(path.name.removesuffix(SUFFIX))
        return found

    def remove(self, claimers: Sequence[str]) -> None:
        """Their claims are all settled: the journals have nothing more to say."""
        for claimer in claimers:
            _remove(journal_path(self._directory, claimer))

    def _testimony(self, claimer: str, ids: set[int]) -> Testimony | None:
        if not claimer.isalnum():  # the ledger's claimers are hex; never a path
            return None
        path = journal_path(self._directory, claimer)
        header = _header(path)
        if header is None or _alive(*header):
            return None
        try:
            with path.open("rb") as file:
                file.readline()
                last, clean = _last_lines(file, ids)
        except OSError:
            return None
        handed: set[int] = set()
        unsent: set[int] = set()
        sent: dict[int, int] = {}
        for delivery, (kind, message_id) in last.items():
            if kind == b"h":
                handed.add(delivery)
            elif kind == b"n":
                unsent.add(delivery)
            else:
                sent[delivery] = message_id
        # After a restart of the machine the last lines may be lost: an absence proves nothing.
        complete = clean and header[1] == boot_id() != ""
        return Testimony(complete, frozenset(handed), sent, frozenset(unsent))


def _remove(path: Path) -> bool:
    """Remove a journal; True when none is left (a directory that is a file holds none)."""
    try:
        path.unlink()
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError as error:
        log.warning("could not remove a send journal: %s", error.strerror)
        return False
    return True


def _last_lines(lines: BinaryIO, ids: set[int]) -> tuple[dict[int, tuple[bytes, int]], bool]:
    """The last line each delivery in `ids` has, and whether every line was whole and well
    formed: a line that is not may have been a hand-over, so then an absence proves nothing."""
    last: dict[int, tuple[bytes, int]] = {}
    clean = True
    for line in lines:
        read = read_line(line)
        if read is None or read[0] == b"?":
            clean = False
        if read is None:
            continue
        kind, delivery, message = read
        if delivery in ids:
            # Unreadable: believed neither sent nor refused, as if only handed over.
            last[delivery] = (b"h", 0) if kind == b"?" else (kind, message)
    return last, clean


def _header(path: Path) -> tuple[int, str] | None:
    """(pid, boot) from a journal's first line, or None when it has none."""
    try:
        with path.open("rb") as file:
            first = file.readline().decode("ascii", "replace")
    except OSError:
        return None
    if not first.startswith(MAGIC + " ") or not first.endswith("\n"):
        return None
    fields = dict(part.partition("=")[::2] for part in first.split()[2:])
    pid = fields.get("pid", "")
    if not pid.isdigit() or fields.get("host") != _HOST:
        # Another machine's or container's: its pids are not this one's to check.
        return None
    return int(pid), fields.get("boot", "")


def _alive(pid: int, boot: str) -> bool:
    """Whether the journal's process may still be writing to it."""
    if boot != boot_id():
        return False  # the machine restarted since
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True
