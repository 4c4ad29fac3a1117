"""Writers: pure functions from the document tree to text or bytes; only the pipeline writes files."""
