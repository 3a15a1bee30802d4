"""The flags tests use the shared fixtures (tests/conftest.py): ``db``, and ``reg`` for registers
built row by row (tests/registers.py)."""

from tests.registers import History  # noqa: F401 - older test modules import it from here
