"""How many generated examples each property test runs.

The suite (and CI) runs a budget that still finds the known faults in seconds; `make fuzz`
sets KIOSQUE_FUZZ=full and runs the large counts. Hypothesis draws new examples on every run
(the example database is off), so CI keeps exploring beyond the budget over time.
"""

import os


def examples(ci: int, full: int) -> int:
    return full if os.environ.get("KIOSQUE_FUZZ") == "full" else ci
