"""chainkg: the industry-chain knowledge graph of a district's investment-promotion team.

Files (graph_data/) → ``load`` → ``graph`` → ``diagnose`` / ``rank`` → exports and Neo4j.

The names below are imported on first use (PEP 562), so ``chainkg --version`` and
``--help`` do not pay for networkx, polars and pydantic models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chainkg.diagnosis import SegmentDiagnosis, diagnose
    from chainkg.errors import ChainkgError, ConfigError, DataError, Neo4jError, NotFoundError
    from chainkg.graph import build_graph
    from chainkg.load import default_data_dir, load_dataset, load_scoring, load_valid
    from chainkg.pool_graph import PoolGraph, pool_graph
    from chainkg.ranking import Prospect, RankFilter
    from chainkg.scoring import Scoring
    from chainkg.shortlist import rank
    from chainkg.whatif import what_if

__version__ = "0.1.0"

_EXPORTS = {
    "ChainkgError": "chainkg.errors",
    "ConfigError": "chainkg.errors",
    "DataError": "chainkg.errors",
    "Neo4jError": "chainkg.errors",
    "NotFoundError": "chainkg.errors",
    "PoolGraph": "chainkg.pool_graph",
    "Prospect": "chainkg.ranking",
    "RankFilter": "chainkg.ranking",
    "Scoring": "chainkg.scoring",
    "SegmentDiagnosis": "chainkg.diagnosis",
    "build_graph": "chainkg.graph",
    "default_data_dir": "chainkg.load",
    "diagnose": "chainkg.diagnosis",
    "load_dataset": "chainkg.load",
    "load_scoring": "chainkg.load",
    "load_valid": "chainkg.load",
    "pool_graph": "chainkg.pool_graph",
    "rank": "chainkg.shortlist",
    "what_if": "chainkg.whatif",
}

__all__ = [
    "ChainkgError",
    "ConfigError",
    "DataError",
    "Neo4jError",
    "NotFoundError",
    "PoolGraph",
    "Prospect",
    "RankFilter",
    "Scoring",
    "SegmentDiagnosis",
    "__version__",
    "build_graph",
    "default_data_dir",
    "diagnose",
    "load_dataset",
    "load_scoring",
    "load_valid",
    "pool_graph",
    "rank",
    "what_if",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'chainkg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
