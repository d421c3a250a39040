from identification.models.board import Aftercare, AmAccess, Proposal
from identification.models.records import AnteMortem, PostMortem
from identification.models.samples import DnaMatchReport, Sample

__all__ = [
    "AmAccess",
    "Aftercare",
    "AnteMortem",
    "DnaMatchReport",
    "PostMortem",
    "Proposal",
    "Sample",
]
