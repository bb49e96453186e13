"""Reading the PDFs the app makes."""

import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """The extracted text of every page of a PDF, one page after another."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
