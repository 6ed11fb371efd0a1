"""GB 11643 citizen ID numbers, vectorised.

An ID is 6-digit region + 8-digit birth date + 3-digit sequence (odd = male) +
an ISO 7064 MOD 11-2 check character.  First-generation numbers (15 digits)
drop the century and the check character.
"""

from __future__ import annotations

import numpy as np
from numpy.dtypes import StringDType

from pipelines.generate.calendar import ymd

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = np.array(list("10X98765432"))
STR = StringDType()


def check_char(body17: str) -> str:
    """The check character of a 17-digit body (scalar, for small fix-ups)."""
    s = sum(int(c) * int(w) for c, w in zip(body17, WEIGHTS, strict=True))
    return str(CHECK_CHARS[s % 11])


def birth_digits(birth_days: np.ndarray) -> np.ndarray:
    """YYYYMMDD as int64 from days since 1970-01-01."""
    y, m, d = ymd(birth_days)
    return y * 10000 + m * 100 + d


def id_numbers(prefix: np.ndarray, birth_days: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """18-character ID numbers (numpy unicode array)."""
    body = prefix.astype(np.int64) * 10**11 + birth_digits(birth_days) * 1000 + seq
    digits = np.zeros((len(body), 17), dtype=np.int64)
    rest = body.copy()
    for i in range(16, -1, -1):
        digits[:, i] = rest % 10
        rest //= 10
    checks = CHECK_CHARS.astype(STR)[(digits @ WEIGHTS) % 11]
    return np.strings.add(body.astype(STR), checks)
