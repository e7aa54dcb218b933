"""A warm parent for the kill test: imports nudgebot once, then forks `deliver --once` on demand.

Each child is a new process running the real CLI; kill -9 takes it down the way a crash does.
Forking from a parent that has imported everything (and started no loop or thread) spares each
restart the seconds of imports, so twenty kills fit in the CI budget.

Protocol on stdin/stdout, one line each: "go" -> "pid <n>"; when that child ends -> "exit <n>"
(the negative signal number when killed). End of stdin: the zygote exits.
"""

from __future__ import annotations

import os
import sys

# Imported here, once, so the forked children do not pay for them.
import nudgebot.app.builder
import nudgebot.cli.deliver
import nudgebot.cli.main
import nudgebot.db.migrate


def main() -> None:
    for line in sys.stdin:
        if line.strip() != "go":
            continue
        pid = os.fork()
        if pid == 0:
            os.dup2(2, 1)  # the child's report goes to stderr; stdout is the protocol
            code = nudgebot.cli.main.main(["deliver", "--once"])
            sys.stdout.flush()
            os._exit(code)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    main()
