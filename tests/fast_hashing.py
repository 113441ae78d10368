"""A cheap argon2 hasher for the test suite only.

Production hashes at argon2id t=3, m=64 MiB, p=4: about 0.1 s per hash on this machine, and
the API tests create six staff users and sign several in per test, which made set-up cost
seconds per test. The suite swaps the hasher of `gridconnect.services.users` for the
smallest parameters argon2 accepts; `tests/security/test_password_hashing.py` proves that a
process without this swap (the real command line) still stores strong hashes.
"""

from __future__ import annotations

from argon2 import PasswordHasher

from gridconnect.services import users

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, hash_len=16, salt_len=8)


def install() -> None:
    """Hash and verify with FAST in this process (called once, from tests/conftest.py)."""
    users._hasher = FAST
    # Unknown names are checked against this hash; keep that as cheap as a wrong password.
    users._DUMMY_HASH = FAST.hash("not-a-real-password")
