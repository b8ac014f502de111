"""Import promise documents (text, HTML, PDF): one reading (output.read_document) for the JSON, the command
line and the web, drafted for review by drafting.draft_document."""
from .drafting import Drafting, draft_document, known_areas_from_dataset
from .extract import UnreadableDocument

__all__ = ["Drafting", "UnreadableDocument", "draft_document", "known_areas_from_dataset"]
