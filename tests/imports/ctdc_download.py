"""A CTDC file in the layout of the public download, for tests.

The Counter Trafficking Data Collaborative's global dataset (FACTS.md section 4) comes as a
semicolon-separated file with Windows line endings; the first column's name is a sentence about
the Terms of Use; one row per victim, with no id, so identical rows are separate victims; many rows
have no country of exploitation (a country of origin's report), some no citizenship or no year;
unknown codes are written in several ways; and much of it is domestic (citizenship = country of
exploitation).  :func:`ctdc_rows` makes such rows from a seed; :func:`write_ctdc` writes them.
"""

from __future__ import annotations

import random
from pathlib import Path

TERMS = ("By using this data you agree to the CTDC Terms of Use, see www.ctdatacollaborative.org/terms-use "
         "(data k-anonymised, k=11)")  # fmt: skip
HEADER = [TERMS, "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "citizenship",
          "CountryOfExploitation", "isForcedLabour", "isSexualExploit", "isOtherExploit",
          "typeOfLabourDomesticWork", "traffickMonths"]  # fmt: skip
#: What the file writes for "not known" (blank most often).
UNKNOWN_CODES = ["", "", "", "", "00", "-99", "unknown", "Unknown", "N/A"]
#: Citizenships: ISO alpha-2, as in the k-anonymised download.
CITIZENSHIPS = ["US", "BD", "BY", "UA", "NG", "PH", "ID", "MD", "KH", "NE", "ML", "MA", "NG", "US", "BD"]
DESTINATIONS = ["US", "RU", "IT", "LY", "PL", "MY", "TH", "NE", "ES", "FR"]


def ctdc_rows(n: int = 600, seed: int = 11) -> list[list[str]]:
    """``n`` victim rows (and some exact repeats of earlier rows), deterministic for a seed.

    About 40% have no country of exploitation, 5% no citizenship, 4% no year, a third are
    domestic; every tenth row is repeated once or twice (identical victims).
    """
    rng = random.Random(seed)
    rows: list[list[str]] = []
    while len(rows) < n:
        cit = rng.choice(CITIZENSHIPS) if rng.random() > 0.05 else rng.choice(UNKNOWN_CODES)
        r = rng.random()
        if r < 0.40:
            dest = rng.choice(UNKNOWN_CODES)
        elif r < 0.72 and cit not in UNKNOWN_CODES:
            dest = cit  # domestic
        else:
            dest = rng.choice(DESTINATIONS)
        year = str(rng.randint(2002, 2020)) if rng.random() > 0.04 else ""
        sexual = rng.random() < 0.4
        row = ["", year, "Case Management", rng.choice(["Female", "Male", ""]),
               rng.choice(["0--8", "9--17", "18--20", "21--23", "30--38", "48+", ""]),
               rng.choice(["Adult", "Minor", ""]), cit, dest, "" if sexual else "1", "1" if sexual else "", "", "",
               rng.choice(["0--12 (0-1 yr)", "13--24 (1-2 yrs)", ""])]  # fmt: skip
        rows.append(row)
        if len(rows) % 10 == 0:
            rows += [list(row)] * rng.randint(1, 2)
    return rows[:n]


def write_ctdc(path: Path, rows: list[list[str]], newline: str = "\r\n", delimiter: str = ";") -> Path:
    """Write rows as the download does (semicolons and CRLF by default); returns ``path``."""
    lines = [delimiter.join(HEADER)] + [delimiter.join(r) for r in rows]
    Path(path).write_bytes((newline.join(lines) + newline).encode("utf-8"))
    return Path(path)
