"""The send journal: a line per hand-over and answer, read by a Witness once its process died."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from nudgebot.delivery import journal
from nudgebot.delivery.journal import SendJournal, Witness, boot_id, default_directory
from nudgebot.domain import settlement
from nudgebot.domain.deliveries import Claim, SendResult
from nudgebot.domain.settlement import StaleClaim
from nudgebot.domain.statuses import DeliveryStatus
from nudgebot.telegram.send_errors import SendNotStarted

CLAIMER = "0a1b2c3d"
HOST = socket.gethostname().replace(" ", "_")
ROOT = Path(__file__).resolve().parents[2]


def claim(delivery_id: int) -> Claim:
    return Claim(delivery_id, 1, 100 + delivery_id, "tip-1", date(2026, 3, 2), 0)


def result(delivery_id: int, status: DeliveryStatus, message_id: int | None = None) -> SendResult:
    return SendResult(claim(delivery_id), status, message_id=message_id)


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def header(pid: int, boot: str, host: str = HOST) -> str:
    return f"nudgebot-send-journal 1 pid={pid} boot={boot} host={host}\n"


def write_journal(
    directory: Path, claimer: str, pid: int, boot: str, body: str = "", host: str = HOST
) -> Path:
    """A journal as process `pid` of boot `boot` on machine `host` would have left it."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{claimer}.sends"
    path.write_text(header(pid, boot, host) + body)
    return path


def stale(*delivery_ids: int, claimer: str = CLAIMER) -> list[StaleClaim]:
    return [StaleClaim(delivery_id, claimer, marked=True) for delivery_id in delivery_ids]


@pytest.fixture
def dead_pid() -> int:
    """The pid of a child that has exited and been reaped."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@pytest.fixture
def live_pid() -> Iterator[int]:
    """The pid of a child that is still running."""
    child = subprocess.Popen(["sleep", "60"])
    try:
        yield child.pid
    finally:
        child.kill()
        child.wait()


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    return tmp_path / "journals"


@pytest.fixture
def path(directory: Path) -> Path:
    return directory / f"{CLAIMER}.sends"


# Writing


def test_nothing_is_written_before_the_first_event(directory: Path) -> None:
    SendJournal(directory, CLAIMER)

    assert not directory.exists()


def test_the_first_event_opens_the_file_with_a_header_naming_this_process(
    directory: Path, path: Path
) -> None:
    SendJournal(directory, CLAIMER).handed_over(5)

    assert lines(path)[0] == header(os.getpid(), boot_id()).strip()


def test_a_hand_over_is_written_as_h_and_the_delivery_id(directory: Path, path: Path) -> None:
    SendJournal(directory, CLAIMER).handed_over(5)

    assert lines(path)[1:] == ["h 5"]


def test_a_sent_answer_is_written_with_its_message_id(directory: Path, path: Path) -> None:
    sends = SendJournal(directory, CLAIMER)
    sends.handed_over(5)
    sends.answered(result(5, DeliveryStatus.SENT, message_id=4242))

    assert lines(path)[1:] == ["h 5", "s 5 4242"]


@pytest.mark.parametrize("status", [DeliveryStatus.RETRY, DeliveryStatus.FAILED])
def test_an_answer_that_surely_did_not_deliver_is_written_as_n(
    directory: Path, path: Path, status: DeliveryStatus
) -> None:
    sends = SendJournal(directory, CLAIMER)
    sends.handed_over(5)
    sends.answered(result(5, status))

    assert lines(path)[1:] == ["h 5", "n 5"]


def test_an_unknown_answer_writes_nothing_so_the_hand_over_stands(
    directory: Path, path: Path
) -> None:
    sends = SendJournal(directory, CLAIMER)
    sends.handed_over(5)
    sends.answered(result(5, DeliveryStatus.UNKNOWN))

    assert lines(path)[1:] == ["h 5"]


def test_an_unknown_answer_as_the_first_event_opens_no_file(directory: Path) -> None:
    SendJournal(directory, CLAIMER).answered(result(5, DeliveryStatus.UNKNOWN))

    assert not directory.exists()


def test_the_journal_is_readable_by_its_owner_only(directory: Path, path: Path) -> None:
    SendJournal(directory, CLAIMER).handed_over(5)

    assert path.stat().st_mode & 0o777 == 0o600


def test_clear_removes_the_file(directory: Path, path: Path) -> None:
    sends = SendJournal(directory, CLAIMER)
    sends.handed_over(5)
    sends.clear()

    assert not path.exists()


def test_the_next_event_after_clear_starts_a_fresh_file_with_a_header(
    directory: Path, path: Path
) -> None:
    sends = SendJournal(directory, CLAIMER)
    sends.handed_over(5)
    sends.clear()
    sends.handed_over(6)

    assert lines(path) == [header(os.getpid(), boot_id()).strip(), "h 6"]


def test_a_stale_file_of_the_same_name_is_started_afresh(directory: Path, path: Path) -> None:
    write_journal(directory, CLAIMER, os.getpid(), boot_id(), "h 1\nh 2\n")

    SendJournal(directory, CLAIMER).handed_over(3)

    assert lines(path)[1:] == ["h 3"]


# Writes that fail


def failing_write_of(prefix: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.write fails with ENOSPC for the lines starting with `prefix`, works for the rest."""
    real_write = os.write

    def write(fd: int, data: bytes) -> int:
        if bytes(data).startswith(prefix):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(journal.os, "write", write)


def unremovable_journals(monkeypatch: pytest.MonkeyPatch) -> None:
    """Path.unlink refuses journals (.sends); other files are removed as usual."""
    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self.suffix == ".sends":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)


def test_a_failed_write_removes_the_journal(
    directory: Path, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sends = SendJournal(directory, CLAIMER)
    sends.handed_over(5)
    failing_write_of(b"s ", monkeypatch)

    sends.answered(result(5, DeliveryStatus.SENT, message_id=9))

    assert not path.exists()


def test_a_failed_write_switches_the_journal_off_until_cleared(
    directory: Path, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sends = SendJournal(directory, CLAIMER)
    sends.handed_over(5)
    failing_write_of(b"s ", monkeypatch)
    sends.answered(result(5, DeliveryStatus.SENT, message_id=9))

    sends.handed_over(6)  # the send goes ahead, unjournaled: its claim stays unknown
    sends.answered(result(6, DeliveryStatus.RETRY))

    assert not path.exists()


def test_clear_turns_a_switched_off_journal_back_on(
    directory: Path, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sends = SendJournal(directory, CLAIMER)
    failing_write_of(b"h 5", monkeypatch)
    sends.handed_over(5)

    sends.clear()
    sends.handed_over(6)

    assert lines(path)[1:] == ["h 6"]


def test_a_header_that_cannot_be_written_leaves_no_file(
    directory: Path, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_write_of(b"nudgebot-send-journal", monkeypatch)

    SendJournal(directory, CLAIMER).handed_over(5)

    assert not path.exists()


def test_a_directory_it_cannot_open_a_journal_in_never_stops_a_send(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(journal.os, "open", refused)
    unremovable_journals(monkeypatch)  # as in a directory it may not search
    sends = SendJournal(directory, CLAIMER)

    sends.handed_over(5)  # it never created a journal, so none can be left behind
    sends.clear()
    sends.handed_over(6)


def test_a_journal_neither_written_nor_removed_refuses_the_hand_over(
    directory: Path, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sends = SendJournal(directory, CLAIMER)
    sends.handed_over(5)
    failing_write_of(b"h ", monkeypatch)
    unremovable_journals(monkeypatch)

    with pytest.raises(SendNotStarted):
        sends.handed_over(6)

    assert lines(path)[1:] == ["h 5"]


def test_a_journal_left_behind_refuses_every_later_hand_over(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sends = SendJournal(directory, CLAIMER)
    sends.handed_over(5)
    failing_write_of(b"s ", monkeypatch)
    unremovable_journals(monkeypatch)
    sends.answered(result(5, DeliveryStatus.SENT, message_id=9))

    with pytest.raises(SendNotStarted):
        sends.handed_over(6)


def test_a_journal_left_behind_keeps_refusing_while_clear_cannot_remove_it(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sends = SendJournal(directory, CLAIMER)
    sends.handed_over(5)
    failing_write_of(b"s ", monkeypatch)
    unremovable_journals(monkeypatch)
    sends.answered(result(5, DeliveryStatus.SENT, message_id=9))

    sends.clear()

    with pytest.raises(SendNotStarted):
        sends.handed_over(6)


def test_a_journal_left_behind_sends_again_once_clear_removes_it(
    directory: Path, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sends = SendJournal(directory, CLAIMER)
    sends.handed_over(5)
    with monkeypatch.context() as broken:
        failing_write_of(b"s ", broken)
        unremovable_journals(broken)
        sends.answered(result(5, DeliveryStatus.SENT, message_id=9))

    sends.clear()
    sends.handed_over(6)

    assert lines(path)[1:] == ["h 6"]


def test_a_journal_directory_that_is_a_file_switches_the_journal_off(tmp_path: Path) -> None:
    not_a_directory = tmp_path / "journals"
    not_a_directory.write_text("")
    sends = SendJournal(not_a_directory, CLAIMER)

    sends.handed_over(5)  # no journal can exist there: nothing would be resent after a crash

    assert not_a_directory.read_text() == ""


# Reading


def test_a_witness_ignores_the_journal_of_this_live_process(directory: Path) -> None:
    SendJournal(directory, CLAIMER).handed_over(5)

    assert Witness(directory)(stale(5)) == {}


def test_a_witness_ignores_the_journal_of_a_live_process(directory: Path, live_pid: int) -> None:
    write_journal(directory, CLAIMER, live_pid, boot_id(), "h 5\n")

    assert Witness(directory)(stale(5)) == {}


def test_a_dead_process_journal_testifies_completely(directory: Path, dead_pid: int) -> None:
    write_journal(directory, CLAIMER, dead_pid, boot_id(), "h 1\ns 2 20\nn 3\n")

    testimony = Witness(directory)(stale(1, 2, 3, 4))

    assert testimony == {
        CLAIMER: settlement.Testimony(True, frozenset({1}), {2: 20}, frozenset({3}))
    }


def test_a_journal_a_process_wrote_before_it_exited_is_read_back(directory: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from nudgebot.delivery.journal import SendJournal\n"
        "from tests.unit.test_send_journal import CLAIMER, result\n"
        "from nudgebot.domain.statuses import DeliveryStatus as S\n"
        "sends = SendJournal(Path(sys.argv[1]), CLAIMER)\n"
        "for i in (1, 2, 3): sends.handed_over(i)\n"
        "sends.answered(result(2, S.SENT, message_id=22))\n"
        "sends.answered(result(3, S.RETRY))\n"
    )
    subprocess.run([sys.executable, "-c", script, str(directory)], check=True, cwd=ROOT)

    testimony = Witness(directory)(stale(1, 2, 3, 4))

    assert testimony == {
        CLAIMER: settlement.Testimony(True, frozenset({1}), {2: 22}, frozenset({3}))
    }


def test_only_the_deliveries_asked_about_are_reported(directory: Path, dead_pid: int) -> None:
    write_journal(directory, CLAIMER, dead_pid, boot_id(), "h 1\nh 2\ns 3 30\n")

    testimony = Witness(directory)(stale(2))

    assert testimony == {CLAIMER: settlement.Testimony(True, frozenset({2}))}


def test_unmarked_claims_ask_the_journal_nothing(directory: Path, dead_pid: int) -> None:
    write_journal(directory, CLAIMER, dead_pid, boot_id(), "h 1\n")

    assert Witness(directory)([StaleClaim(1, CLAIMER, marked=False)]) == {}


def test_a_claimer_without_a_journal_gets_no_testimony(directory: Path) -> None:
    directory.mkdir()

    assert Witness(directory)(stale(1)) == {}


def test_a_not_delivered_answer_after_the_hand_over_makes_it_unsent(
    directory: Path, dead_pid: int
) -> None:
    write_journal(directory, CLAIMER, dead_pid, boot_id(), "h 1\nn 1\n")

    assert Witness(directory)(stale(1))[CLAIMER] == settlement.Testimony(
        True, unsent=frozenset({1})
    )


def test_a_hand_over_after_a_not_delivered_answer_makes_it_handed_again(
    directory: Path, dead_pid: int
) -> None:
    write_journal(directory, CLAIMER, dead_pid, boot_id(), "h 1\nn 1\nh 1\n")

    assert Witness(directory)(stale(1))[CLAIMER] == settlement.Testimony(
        True, handed=frozenset({1})
    )


def test_a_sent_answer_after_the_hand_over_makes_it_sent(directory: Path, dead_pid: int) -> None:
    write_journal(directory, CLAIMER, dead_pid, boot_id(), "h 1\nn 1\nh 1\ns 1 11\n")

    assert Witness(directory)(stale(1))[CLAIMER] == settlement.Testimony(True, sent={1: 11})


def test_a_torn_last_line_is_not_read_and_an_absence_then_proves_nothing(
    directory: Path, dead_pid: int
) -> None:
    write_journal(directory, CLAIMER, dead_pid, boot_id(), "h 1\nh 2\nn 1")

    testimony = Witness(directory)(stale(1, 2))

    assert testimony[CLAIMER] == settlement.Testimony(False, handed=frozenset({1, 2}))


def test_a_line_that_does_not_parse_counts_its_delivery_as_handed_over(
    directory: Path, dead_pid: int
) -> None:
    body = "x 1\nh\nn one\n\nh 2\ns 3 abc\n"
    write_journal(directory, CLAIMER, dead_pid, boot_id(), body)

    testimony = Witness(directory)(stale(1, 2, 3, 4))

    # Neither sent nor refused; and 4, named nowhere, may have been in a line not read.
    assert testimony[CLAIMER] == settlement.Testimony(False, handed=frozenset({1, 2, 3}))


def test_a_journal_from_another_boot_testifies_but_is_not_complete(
    directory: Path, dead_pid: int
) -> None:
    write_journal(directory, CLAIMER, dead_pid, "other", "h 1\ns 2 20\nn 3\n")

    testimony = Witness(directory)(stale(1, 2, 3, 4))

    assert testimony == {
        CLAIMER: settlement.Testimony(False, frozenset({1}), {2: 20}, frozenset({3}))
    }


def test_a_journal_from_another_boot_counts_as_dead_whatever_its_pid(directory: Path) -> None:
    write_journal(directory, CLAIMER, os.getpid(), "other", "s 1 10\n")

    assert Witness(directory)(stale(1)) == {CLAIMER: settlement.Testimony(False, sent={1: 10})}


def test_a_journal_from_another_machine_testifies_nothing(directory: Path, dead_pid: int) -> None:
    write_journal(directory, CLAIMER, dead_pid, boot_id(), "s 1 10\n", host="elsewhere")

    assert Witness(directory)(stale(1)) == {}


def test_a_journal_from_another_machine_has_no_dead_claimer(directory: Path, dead_pid: int) -> None:
    write_journal(directory, CLAIMER, dead_pid, "other", "s 1 10\n", host="elsewhere")

    assert Witness(directory).dead_claimers() == []


def test_a_file_without_a_valid_header_testifies_nothing(directory: Path) -> None:
    directory.mkdir()
    (directory / f"{CLAIMER}.sends").write_text("h 1\nn 1\n")

    assert Witness(directory)(stale(1)) == {}


def test_a_file_with_a_torn_header_testifies_nothing(directory: Path, dead_pid: int) -> None:
    directory.mkdir()
    (directory / f"{CLAIMER}.sends").write_text(header(dead_pid, boot_id()).strip())

    assert Witness(directory)(stale(1)) == {}


def test_a_claimer_that_is_not_alphanumeric_gets_no_testimony(
    tmp_path: Path, dead_pid: int
) -> None:
    directory = tmp_path / "journals"
    directory.mkdir()
    write_journal(tmp_path, "x", dead_pid, boot_id(), "s 1 10\n")  # where ../x would lead

    assert Witness(directory)(stale(1, claimer="../x")) == {}


def test_dead_claimers_are_those_whose_journal_has_a_dead_process(
    directory: Path, dead_pid: int, live_pid: int
) -> None:
    write_journal(directory, "dead", dead_pid, boot_id())
    write_journal(directory, "rebooted", os.getpid(), "other")
    write_journal(directory, "live", live_pid, boot_id())
    write_journal(directory, "self", os.getpid(), boot_id())
    (directory / "headless.sends").write_text("h 1\n")
    (directory / "other.txt").write_text(header(dead_pid, boot_id()))

    assert sorted(Witness(directory).dead_claimers()) == ["dead", "rebooted"]


def test_dead_claimers_of_a_missing_directory_are_none(directory: Path) -> None:
    assert Witness(directory).dead_claimers() == []


def test_remove_deletes_the_named_journals_only(directory: Path, dead_pid: int) -> None:
    for claimer in ("one", "two", "three"):
        write_journal(directory, claimer, dead_pid, boot_id())

    Witness(directory).remove(["one", "three", "absent"])

    assert sorted(path.name for path in directory.iterdir()) == ["two.sends"]


# Where journals go


def test_the_directory_does_not_depend_on_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", "/state")
    one = default_directory("postgresql+asyncpg://bot:first@db:5432/nudge")
    two = default_directory("postgresql+asyncpg://bot:second@db:5432/nudge")

    assert one == two


def test_the_directory_never_holds_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", "/state")

    assert "s3cret" not in str(default_directory("postgresql://bot:s3cret@db/nudge"))


def test_each_database_has_its_own_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", "/state")
    one = default_directory("postgresql+asyncpg://bot:pw@db:5432/nudge")
    two = default_directory("postgresql+asyncpg://bot:pw@db:5432/other")

    assert one != two


def test_the_directory_is_under_xdg_state_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))

    found = default_directory("sqlite+aiosqlite:///nudgebot.db")

    assert found is not None
    assert found.parent == tmp_path / "nudgebot" / "send-journals"


def test_without_xdg_state_home_the_directory_is_under_the_home_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))

    found = default_directory("sqlite+aiosqlite:///nudgebot.db")

    assert found is not None
    assert found.parent == tmp_path / ".local" / "state" / "nudgebot" / "send-journals"


def test_a_directory_given_gets_a_folder_per_database_inside(tmp_path: Path) -> None:
    one = default_directory("postgresql://bot:pw@db/nudge", tmp_path)
    two = default_directory("postgresql://bot:pw@db/other", tmp_path)

    assert one is not None
    assert two is not None
    assert (one.parent, two.parent) == (tmp_path, tmp_path)
    assert one != two
