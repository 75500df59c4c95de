"""chainkg: the industry-chain knowledge graph of a district's investment-promotion team.

Files (graph_data/) → ``load`` → ``graph`` → ``diagnose`` / ``rank`` → exports and Neo4j.

The names below are imported on first use (PEP 562), so ``chainkg --version`` and
``--help`` do not pay for networkx, polars and pydantic models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chainkg.analysis.diagnosis import SegmentDiagnosis, diagnose
    from chainkg.analysis.prospects import Prospect, RankFilter
    from chainkg.analysis.shortlist import rank
    from chainkg.analysis.whatif import what_if
    from chainkg.dataset.load import default_data_dir, load_dataset, load_scoring, load_valid
    from chainkg.graph.pool_graph import PoolGraph, pool_graph
    from chainkg.model.errors import ChainkgError, ConfigError, DataError, Neo4jError, NotFoundError
    from chainkg.model.scoring import Scoring

__version__ = "0.1.0"

_EXPORTS = {
    "ChainkgError": "chainkg.model.errors",
    "ConfigError": "chainkg.model.errors",
    "DataError": "chainkg.model.errors",
    "Neo4jError": "chainkg.model.errors",
    "NotFoundError": "chainkg.model.errors",
    "PoolGraph": "chainkg.graph.pool_graph",
    "Prospect": "chainkg.analysis.prospects",
    "RankFilter": "chainkg.analysis.prospects",
    "Scoring": "chainkg.model.scoring",
    "SegmentDiagnosis": "chainkg.analysis.diagnosis",
    "default_data_dir": "chainkg.dataset.load",
    "diagnose": "chainkg.analysis.diagnosis",
    "load_dataset": "chainkg.dataset.load",
    "load_scoring": "chainkg.dataset.load",
    "load_valid": "chainkg.dataset.load",
    "pool_graph": "chainkg.graph.pool_graph",
    "rank": "chainkg.analysis.shortlist",
    "what_if": "chainkg.analysis.whatif",
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
