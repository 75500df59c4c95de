"""chainkg: the industry-chain knowledge graph of a district's investment-promotion team.

Files (graph_data/) → ``load`` → ``graph`` → ``diagnose`` / ``rank`` → exports and Neo4j.
"""

from chainkg.diagnosis import SegmentDiagnosis, diagnose
from chainkg.errors import ChainkgError, ConfigError, DataError, Neo4jError, NotFoundError
from chainkg.graph import build_graph
from chainkg.load import default_data_dir, load_dataset, load_scoring, load_valid
from chainkg.ranking import Prospect, RankFilter, rank
from chainkg.scoring import Scoring
from chainkg.whatif import what_if

__version__ = "0.1.0"

__all__ = [
    "ChainkgError",
    "ConfigError",
    "DataError",
    "Neo4jError",
    "NotFoundError",
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
    "rank",
    "what_if",
]
