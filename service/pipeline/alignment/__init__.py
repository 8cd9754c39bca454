"""Step 2: cross-source alignment.

Candidate pairs come from cheap lexical overlap (each claim's closest claims from other sources,
or from the same source when the asserters differ — a dispute can sit inside one article that
reports both sides). The model labels each candidate pair same / contradict / different with the
numbered claim list as a shared prefix. Groups are the connected components over same and
contradict edges; a group with a contradict edge is disputed and its sides are the components
over same edges alone.
"""

from service.pipeline.alignment.candidates import candidate_pairs, denial_context
from service.pipeline.alignment.groups import Edge, build_groups, omissions, omitted_versions
from service.pipeline.alignment.rules import announced_conflicts
from service.pipeline.alignment.step import align

__all__ = [
    "Edge",
    "align",
    "announced_conflicts",
    "build_groups",
    "candidate_pairs",
    "denial_context",
    "omissions",
    "omitted_versions",
]
