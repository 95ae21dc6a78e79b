"""Chinese news information extraction: cleaned text, sentences, quantities, entities, claims.

    import pipeline
    doc = pipeline.process(text, doc_id="x")      # a pipeline.Document (pydantic)
    for doc in pipeline.process_files(["seeds/"]):
        ...
"""
from .model import Document
from .process import process, process_files

__all__ = ["Document", "process", "process_files"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # spaCy is optional: pipeline.to_spacy imports it only when asked for.
    if name == "to_spacy":
        from .spacy_components import to_spacy

        return to_spacy
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
