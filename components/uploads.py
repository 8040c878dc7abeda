"""A file upload control that speaks French and checks what it accepts itself.

Streamlit's uploader writes its texts in English ("Upload", "200MB per file", "… files are not allowed."). This
control renders it without `type=` (so Streamlit never refuses a file in English), replaces its button and
instruction texts with French ones, and refuses a file of another extension, or too heavy, with a French message
naming what it accepts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from components import layout
from pilotage.formats import format_number

MEGABYTE = 1_000_000  # "Mo" as users read it
BROWSE = "Parcourir"


def extension_list(extensions: Sequence[str]) -> str:
    """['geojson', 'json', 'zip'] -> '.geojson, .json ou .zip'."""
    names = [f".{e.lower().lstrip('.')}" for e in extensions]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " ou " + names[-1]


def size_text(size: int) -> str:
    """50_000_000 -> '50 Mo'; 12_345 -> '12,4 ko'; 300 -> '300 octets'."""
    if size >= MEGABYTE:
        value = math.ceil(size / (MEGABYTE / 10)) / 10
        return f"{format_number(value, 0 if value.is_integer() else 1)}\u00a0Mo"
    if size >= 1000:
        value = math.ceil(size / 100) / 10
        return f"{format_number(value, 0 if value.is_integer() else 1)}\u00a0ko"
    return f"{format_number(size)}\u00a0octet" + ("s" if size > 1 else "")


def refusal(name: str, size: int, *, extensions: Sequence[str], max_bytes: int) -> str | None:
    """Why this file is refused, in French, or None when its extension and size are accepted."""
    accepted = {e.lower().lstrip(".") for e in extensions}
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name.strip(".") else ""
    if suffix not in accepted:
        kind = f"un fichier .{suffix}" if suffix else "un fichier sans extension"
        return (f"« {name} » est {kind} : ce champ accepte seulement les fichiers {extension_list(extensions)}.")
    if size > max_bytes:
        return f"« {name} » pèse {size_text(size)} : il dépasse la limite de {size_text(max_bytes)} par fichier."
    return None


def _css(scope: str, extensions: Sequence[str], max_bytes: int) -> str:
    instructions = f"{size_text(max_bytes)} au plus par fichier · {extension_list(extensions)}"
    quoted = instructions.replace("\\", "\\\\").replace('"', '\\"')
    zone = f".st-key-{scope} [data-testid='stFileUploaderDropzone']"
    return f"""<style>
  {zone} button [data-testid='stMarkdownContainer'] p {{ visibility: hidden; font-size: 0; }}
  {zone} button [data-testid='stMarkdownContainer'] p::after {{ content: "{BROWSE}"; visibility: visible;
      font-size: 0.875rem; }}
  {zone} [data-testid='stFileUploaderDropzoneInstructions'] span {{ visibility: hidden; font-size: 0; }}
  {zone} [data-testid='stFileUploaderDropzoneInstructions'] span::after {{ content: "{quoted}";
      visibility: visible; font-size: 0.875rem; }}
  .st-key-{scope} [data-testid='stFileChipName'] + * {{ display: none; }}
</style>"""


def file_upload(label: str, *, extensions: Sequence[str], key: str, help: str | None = None,
                max_mb: float = 10) -> UploadedFile | None:
    """A French upload control: the file when its extension and size are accepted, else None (and a French
    message saying why the file was refused and what the control accepts)."""
    max_bytes = int(max_mb * MEGABYTE)
    scope = re.sub(r"[^A-Za-z0-9_-]", "-", f"{key}-zone")
    with st.container(key=scope):
        st.html(_css(scope, extensions, max_bytes))
        # Streamlit's own limit (MB of 2^20 bytes) sits above ours, so that a file just over our limit reaches the
        # French check below instead of Streamlit's English refusal.
        upload = st.file_uploader(label, key=key, help=help, max_upload_size=max(1, math.ceil(max_mb)) + 1)
        if upload is None:
            return None
        problem = refusal(upload.name, upload.size, extensions=extensions, max_bytes=max_bytes)
        if problem is not None:
            st.error(f"Fichier refusé : {layout.escape_markdown(problem)}", icon=":material/block:")
            return None
    return upload
