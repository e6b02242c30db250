"""Where a router's control socket goes, and making that place safe, as routertop does.

`$XDG_RUNTIME_DIR/routertop` (or `/tmp/routertop-UID`) holds every router of one user, so `routertop list`
finds Ray's routers beside its own. The directory is 0700 and refused when others can enter it; a socket
on which a router answers is never taken over; a stale one is replaced.
"""

import os
import re
import socket
import stat
from typing import Mapping, Optional

NAME_LIMIT = 64


class SocketPlaceError(Exception):
    """The socket's place cannot be used, with the reason."""


def socket_directory(environment: Mapping[str, str], uid: Optional[int] = None) -> str:
    runtime = environment.get("XDG_RUNTIME_DIR", "")
    if runtime:
        return runtime.rstrip("/") + "/routertop" if runtime != "/" else "/routertop"
    return f"/tmp/routertop-{os.getuid() if uid is None else uid}"


def router_name(application: str, deployment: str, pid: int) -> str:
    """`ray-APP-DEPLOYMENT-PID`, in the letters routertop allows in a name, at most 64 of them."""
    def clean(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip(".") or "_"

    tail = f"-{pid}"
    head = f"ray-{clean(application)}-{clean(deployment)}"
    return head[: NAME_LIMIT - len(tail)] + tail


def can_connect(path: str) -> bool:
    """Whether something listens at `path` (a full backlog counts as live)."""
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.setblocking(False)
    try:
        probe.connect(path)
        return True
    except (BlockingIOError, InterruptedError):
        return True
    except OSError:
        return False
    finally:
        probe.close()


def prepare(path: str) -> None:
    """Creates the directory (0700) if needed, refuses one others can enter, clears a stale socket."""
    directory = os.path.dirname(path)
    try:
        os.mkdir(directory, 0o700)
    except FileExistsError:
        pass
    except OSError as error:
        raise SocketPlaceError(f"the control socket directory {directory} cannot be created ({error.strerror})")
    status = os.stat(directory)
    if not stat.S_ISDIR(status.st_mode):
        raise SocketPlaceError(f"the control socket directory {directory} is not a directory")
    if status.st_uid != os.getuid():
        raise SocketPlaceError(f"the control socket directory {directory} belongs to another user (uid {status.st_uid})")
    if status.st_mode & 0o077:
        raise SocketPlaceError(f"the control socket directory {directory} is open to others "
                               f"(mode {oct(status.st_mode & 0o777)[2:]}); it must be 0700")
    try:
        existing = os.lstat(path)
    except FileNotFoundError:
        return
    if not stat.S_ISSOCK(existing.st_mode):
        raise SocketPlaceError(f"the control socket path {path} holds a file that is not a socket")
    if can_connect(path):
        raise SocketPlaceError(f"another router is live on the control socket {path}")
    os.unlink(path)


def free_name(directory: str, name: str, tries: int = 9) -> str:
    """`name`, or `name-2`, `name-3`, … when a live router already answers on that socket."""
    for index in range(1, tries + 1):
        candidate = name if index == 1 else f"{name}-{index}"
        path = os.path.join(directory, f"{candidate}.sock")
        if not (os.path.exists(path) and can_connect(path)):
            return candidate
    return name
