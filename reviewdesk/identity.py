"""Who is using reviewdesk, as the operating system or the database server vouches for it.

Never an environment variable: ``USER``, ``LOGNAME`` and ``USERNAME`` are set by whoever
starts the process, so `getpass.getuser` (which reads them first) would let anyone act, and
be audited, as anyone. Instead:

- on POSIX, the account of the process's *real* user id (``pwd``), the one the kernel says
  started it;
- on Windows, the account of the process's access token (``GetUserNameExW`` or
  ``GetUserNameW`` through ctypes);
- on PostgreSQL, ``session_user``: the login the server authenticated (see `database_user`).
"""

from __future__ import annotations

import os
import sys

from sqlalchemy import Connection, text


def system_account() -> str:
    """The operating-system account running this process (its real user id, not the
    environment). On Windows the account is ``DOMAIN\\name`` when a domain is known."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return _windows_account()
    import pwd

    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        # A uid with no passwd entry (some containers): the number is still the kernel's word.
        return f"uid-{uid}"


def _windows_account() -> str:  # pragma: no cover - Windows only
    import ctypes
    from ctypes import wintypes

    name_sam_compatible = 2  # EXTENDED_NAME_FORMAT: DOMAIN\name
    size = wintypes.ULONG(0)
    secur32 = ctypes.WinDLL("secur32", use_last_error=True)
    secur32.GetUserNameExW(name_sam_compatible, None, ctypes.byref(size))
    if size.value:
        buffer = ctypes.create_unicode_buffer(size.value)
        if secur32.GetUserNameExW(name_sam_compatible, buffer, ctypes.byref(size)):
            return buffer.value
    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)
    length = wintypes.DWORD(257)
    buffer = ctypes.create_unicode_buffer(length.value)
    if not advapi32.GetUserNameW(buffer, ctypes.byref(length)):
        raise OSError(ctypes.get_last_error(), "GetUserNameW failed")
    return buffer.value


def database_user(connection: Connection) -> str | None:
    """The identity a database server vouches for on this connection: PostgreSQL's
    ``session_user`` (unchanged by ``SET ROLE``); None for SQLite, which has no logins."""
    if connection.dialect.name == "postgresql":
        return str(connection.execute(text("SELECT session_user")).scalar_one())
    return None


__all__ = ["database_user", "system_account"]
