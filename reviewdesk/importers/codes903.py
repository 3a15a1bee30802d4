"""SSDA903 and CIN census code lists the importers check against (DfE specifications).

The codes people read elsewhere in reviewdesk (legal status, participation, CP category,
reason for new episode) live in `reviewdesk.codes`; these are the further lists a return's
fields must come from, kept here because only the importers need them.
"""

from __future__ import annotations

import re

#: 903 SEX: 1 male, 2 female.
SEX_903 = frozenset({"1", "2"})

#: CIN census Sex / GenderCurrent, mapped to what the child table stores (1, 2 or U).
SEX_CIN: dict[str, str] = {"1": "1", "M": "1", "2": "2", "F": "2", "0": "U", "9": "U", "U": "U"}

#: DfE ethnicity codes (903 ETHNIC, CIN Ethnicity).
ETHNICITY = frozenset(
    {
        "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND",
        "APKN", "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
    }
)  # fmt: skip

#: 903 CIN: the category of need (N1 abuse or neglect ... N8 absent parenting).
CATEGORY_OF_NEED = frozenset(f"N{i}" for i in range(1, 9))

#: 903 PLACE: placement type.
PLACEMENT = frozenset(
    {
        "A3", "A4", "A5", "A6", "H5", "K1", "K2", "P1", "P2", "P3", "R1", "R2", "R3", "R5",
        "S1", "T0", "T1", "T2", "T3", "T4", "U1", "U2", "U3", "U4", "U5", "U6", "Z1",
    }
)  # fmt: skip

#: 903 PLACE_PROVIDER: who provides the placement.
PLACEMENT_PROVIDER = frozenset({"PR0", "PR1", "PR2", "PR3", "PR4", "PR5"})

#: 903 REC: X1 (same period continues) or an E code saying why care ended (E11, E4A, E17...);
#: at most 3 characters, as the return (and the episode table) allow.
REASON_EPISODE_CEASED = re.compile(r"X1|E\d[AB]?|E\d\d")
