"""coursekit: the helper package behind *Solidarity in Practice*.

Notebooks import what they need from here so that they stay narrative-first:

- :mod:`coursekit.figures` — figures with required alt text;
- :mod:`coursekit.quiz` — self-check questions with teaching feedback;
- :mod:`coursekit.datafiles` — loading the course's small CSV data files with clear errors;
- :mod:`coursekit.timeline` — the dated-events timeline;
- :mod:`coursekit.consensus` — the consensus-meeting model and its comparison with majority vote;
- :mod:`coursekit.nva` — Sharp's 198 methods and Chenoweth and Stephan's findings;
- :mod:`coursekit.villages` — the village case-study data, locator and timelines;
- :mod:`coursekit.evidence` — the evidence toolkit (hashing, custody log, metadata, scrub,
  incident reports), also on the command line as ``python -m coursekit evidence``.
"""

__version__ = "0.1.0"
