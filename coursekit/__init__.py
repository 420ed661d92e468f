"""coursekit: the helper package behind *Solidarity in Practice*.

Notebooks import what they need from here so that they stay narrative-first:

- :mod:`coursekit.figures` — figures with required alt text;
- :mod:`coursekit.quiz` — self-check questions with teaching feedback;
- :mod:`coursekit.datafiles` — loading the course's small CSV data files with clear errors;
- :mod:`coursekit.timeline` — the dated-events timeline.
"""

__version__ = "0.1.0"
