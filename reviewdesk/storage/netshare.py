"""Is a file on a network share? SQLite's locking is unsafe there (its own documentation says
so), so the app warns and points to PostgreSQL for shared use.

Linux: the file system type of the longest matching mount point in /proc/mounts. Windows:
UNC paths (\\\\server\\share) and mapped network drives (GetDriveTypeW == DRIVE_REMOTE).
Elsewhere (macOS) nothing is detected and no warning is given.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePath, PureWindowsPath

NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smbfs",
        "smb2",
        "smb3",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "davfs",
        "fuse.sshfs",
        "sshfs",
        "fuse.glusterfs",
        "fuse.cephfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.davfs",
        "fuse.smbnetfs",
    }
)


def _unescape_mount(text: str) -> str:
    """/proc/mounts escapes space, tab, newline and backslash as octal (\\040 etc.)."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        text = text.replace(code, char)
    return text


def filesystem_type(path: str | os.PathLike[str], mounts: str | None = None) -> str | None:
    """The file system type holding ``path`` according to /proc/mounts text (Linux)."""
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = PurePath(os.path.abspath(os.fspath(path)))
    best: tuple[int, str] | None = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = PurePath(_unescape_mount(fields[1]))
        if target == mount_point or mount_point in target.parents:
            depth = len(mount_point.parts)
            if best is None or depth >= best[0]:
                best = (depth, fields[2])
    return best[1] if best else None


def is_network_fs_type(fs_type: str | None) -> bool:
    if not fs_type:
        return False
    fs_type = fs_type.lower()
    return fs_type in NETWORK_FS_TYPES or fs_type.startswith(("smb", "nfs", "cifs"))


def _windows_is_remote(path: str) -> bool:
    win = PureWindowsPath(path)
    if win.drive.startswith(("\\\\", "//")):
        return True  # UNC path: \\server\share\...
    if sys.platform != "win32" or not win.drive:
        return False
    import ctypes

    drive_remote = 4
    return ctypes.windll.kernel32.GetDriveTypeW(f"{win.drive}\\") == drive_remote  # type: ignore[attr-defined]


def on_network_share(path: str | os.PathLike[str], *, mounts: str | None = None) -> bool:
    text = os.fspath(path)
    if sys.platform == "win32" or text.startswith(("\\\\", "//")):
        return _windows_is_remote(text)
    if sys.platform.startswith("linux") or mounts is not None:
        return is_network_fs_type(filesystem_type(text, mounts))
    return False


def network_share_warning(path: str | os.PathLike[str], *, mounts: str | None = None) -> str | None:
    """The warning to show when the database file lies on a network share, else None."""
    if not on_network_share(path, mounts=mounts):
        return None
    return (
        f"The database file {os.fspath(path)} is on a network share. SQLite cannot lock files "
        "reliably over a network, so two people using it at once can corrupt it. For shared "
        "use, keep the data on a PostgreSQL server and start reviewdesk with "
        "--db postgresql+psycopg://USER@SERVER/DATABASE; for one person, keep the file on "
        "this computer's own disk."
    )
