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
