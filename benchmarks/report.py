"""One way for every benchmark to print a figure, and to hand it to ``make bench``'s table.

``report(...)`` prints the figure on a line of its own; when ``BENCH_REPORT`` names a file
(``run_all.py`` sets it), it also appends the figure there as one JSON line.
"""

import json
import os


def report(
    figure: str,
    value: float,
    unit: str,
    *,
    target: str = "",
    reference: float | None = None,
    reference_label: str = "",
    ratio: float | None = None,
    meets: bool | None = None,
) -> None:
    """``target`` as a person reads it ("≥ 150 /s"); ``reference`` measured in the same run
    and ``ratio`` to it; ``meets`` whether the figure reaches its target (None: no target)."""
    text = f"{figure}: {value:,.1f} {unit}"
    if reference is not None:
        text += f" (reference {reference_label}: {reference:,.1f}; ratio {ratio:.2f})"
    if target:
        text += f"  [target {target}: {'met' if meets else 'NOT met'}]"
    print(text, flush=True)
    path = os.environ.get("BENCH_REPORT")
    if path:
        record = {
            "figure": figure,
            "value": value,
            "unit": unit,
            "target": target,
            "reference": reference,
            "reference_label": reference_label,
            "ratio": ratio,
            "meets": meets,
        }
        with open(path, "a") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
