"""Quotations and speakers: the `recoupe_quotes` spaCy component and the stage functions."""

from recoupe.quotes.component import QuoteComponent, QuoteSpan, find_quotes, load_quote_pipeline
from recoupe.quotes.speakers import merge_speakers

__all__ = ["QuoteComponent", "QuoteSpan", "find_quotes", "load_quote_pipeline", "merge_speakers"]
