"""What a person does with a ledger file, through the real entry points: upload it at /ledger/ and confirm,
or run `flask ledger import`."""

from __future__ import annotations

import html
import re
from pathlib import Path

_UPLOAD = re.compile(r'name="upload" type="hidden" value="([^"]+)"')


def upload(client, path: Path, filename: str | None = None):
    """Post the file to the preview as a browser would, under ``filename`` (the name on the person's disk)."""
    with Path(path).open("rb") as handle:
        return client.post(
            "/ledger/", data={"file": (handle, filename or Path(path).name)}, content_type="multipart/form-data"
        )


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def stored_upload(response) -> str | None:
    """The name the preview keeps the upload under until it is confirmed, if it offers a confirmation."""
    match = _UPLOAD.search(response.get_data(as_text=True))
    return match.group(1) if match else None


def confirm(client, preview):
    name = stored_upload(preview)
    assert name, text(preview)[:2000]
    return client.post("/ledger/confirm", data={"upload": name})


def cli_import(app, path: Path, *options: str):
    """`flask ledger import PATH` in this process (the CLI runner): its output and exit code."""
    return app.test_cli_runner().invoke(args=["ledger", "import", *options, str(path)])


_ERROR_ROW = re.compile(r"<tr><td>(.*?)</td><td class=\"num\">(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", re.DOTALL)


def error_rows(response) -> list[tuple[str, str, str, str]]:
    """(sheet, row, column, problem) of each line of the preview's table of bad rows, as the person reads them."""
    table = response.get_data(as_text=True).partition('class="grid import-errors"')[2]
    return [tuple(html.unescape(cell).strip() for cell in found) for found in _ERROR_ROW.findall(table)]
