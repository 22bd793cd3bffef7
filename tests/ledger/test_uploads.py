"""An upload is kept only between a good preview and its confirmation, under the name it had on the person's disk:
every message about it says that name, a preview or confirmation that fails deletes it, and one never confirmed
is swept once it is older than CASETRACK_IMPORT_UPLOAD_MAX_AGE_SECONDS."""

import csv
import os
import time
from datetime import date

import pytest

from casetrack.cases.models import Case
from casetrack.extensions import db
from tests.ledger.actions import confirm, error_rows, stored_upload, text, upload
from tests.ledger.test_import import HEADER, count, row, xlsx

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def upload_folder(app, tmp_path, monkeypatch):
    """The app's instance folder in this test's own directory, so files other tests upload meanwhile are apart."""
    instance = tmp_path / "instance"
    monkeypatch.setattr(app, "instance_path", str(instance))
    return instance / "uploads"


def files_in(folder):
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def ledger_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_the_preview_names_the_file_as_uploaded_not_as_stored(tmp_path, login_as, upload_folder):
    client = login_as("mediator")
    path = ledger_csv(tmp_path / "u.csv", [row(), row(number="富政复〔2020〕2号", kind="行政裁决")])
    response = upload(client, path, filename="富阳区2020年台账.csv")
    assert response.status_code == 400
    rows = error_rows(response)
    assert [(sheet, number) for sheet, number, _, _ in rows] == [("富阳区2020年台账.csv", "3")], rows
    assert "u1-" not in text(response) and files_in(upload_folder) == []


def test_a_confirmation_refused_by_what_changed_meanwhile_names_the_file_as_uploaded(
    tmp_path, login_as, factories, upload_folder
):
    client = login_as("mediator")
    preview = upload(client, ledger_csv(tmp_path / "x.csv", [row(concluded="", outcome="")]), filename="三月台账.csv")
    assert preview.status_code == 200 and len(files_in(upload_folder)) == 2  # the file and the name it came under
    # Meanwhile the case is registered as declined before the file's date received: the row no longer fits.
    factories.case(
        number="富政复〔2020〕1号", received_on=date(2020, 3, 1), declined_on=date(2020, 3, 1), status="not_accepted"
    )
    db.session.commit()
    response = confirm(client, preview)
    assert response.status_code == 400
    page = text(response)
    assert "三月台账.csv" in page and "u1-" not in page
    assert {sheet for sheet, _, _, _ in error_rows(response)} == {"三月台账.csv"}
    assert files_in(upload_folder) == [] and count() == 1


def test_a_preview_that_fails_leaves_no_upload_behind(tmp_path, login_as, upload_folder, monkeypatch):
    from casetrack.cases import ledger as case_ledger

    def crash(self, sheet, rows):
        raise RuntimeError("bug while planning")

    monkeypatch.setattr(case_ledger.CaseSheetImporter, "plan", crash)
    client = login_as("mediator")
    with pytest.raises(RuntimeError):
        upload(client, xlsx(tmp_path / "up.xlsx", [row()]))
    assert files_in(upload_folder) == [] and count() == 0


def test_a_confirmation_that_fails_leaves_no_upload_behind_and_writes_nothing(
    tmp_path, login_as, upload_folder, monkeypatch
):
    from casetrack.cases import ledger as case_ledger

    client = login_as("mediator")
    preview = upload(client, xlsx(tmp_path / "up.xlsx", [row()]))
    assert preview.status_code == 200 and files_in(upload_folder)

    def lost(self, creations):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(case_ledger.CaseSheetImporter, "_insert_cases", lost)
    with pytest.raises(RuntimeError):
        confirm(client, preview)
    assert files_in(upload_folder) == [] and count() == 0


def test_uploads_older_than_the_configured_age_are_swept_at_the_next_upload(tmp_path, app, login_as, upload_folder):
    client = login_as("mediator")
    abandoned = upload(client, xlsx(tmp_path / "a.xlsx", [row()]))
    recent = upload(client, xlsx(tmp_path / "b.xlsx", [row(number="富政复〔2020〕2号")]))
    crashed = upload_folder / "u7-leftover-of-a-killed-process.xlsx"
    crashed.write_bytes(b"")
    old = time.time() - app.config["CASETRACK_IMPORT_UPLOAD_MAX_AGE_SECONDS"] - 60
    for path in upload_folder.iterdir():
        if path.name.startswith(stored_upload(abandoned)) or path == crashed:
            os.utime(path, (old, old))

    upload(client, xlsx(tmp_path / "c.xlsx", [row(number="富政复〔2020〕3号")]))
    left = files_in(upload_folder)
    assert stored_upload(abandoned) not in left and crashed.name not in left
    assert stored_upload(recent) in left and len(left) == 4  # two uploads waiting, each with its original name
    response = confirm(client, abandoned)
    assert response.status_code == 302 and count(Case) == 0
    assert "已上传的文件已失效，请重新上传。" in text(client.get(response.headers["Location"]))


@pytest.mark.parametrize(
    "name",
    ["", "../../etc/passwd", "u1-x.xlsx", "u99999999999-x.xlsx", "²", "\x00", "<script>", "u" + "9" * 20 + "-a.csv"],
)
def test_a_confirmation_naming_no_upload_of_ones_own_says_the_file_is_gone_and_writes_nothing(
    upload_folder, login_as, tmp_path, name
):
    client = login_as("mediator")
    preview = upload(client, xlsx(tmp_path / "mine.xlsx", [row()]))
    assert preview.status_code == 200
    response = client.post("/ledger/confirm", data={"upload": name})
    if "\x00" in name:  # refused for every form of the app before any view reads it
        assert response.status_code == 400 and "NUL字符" in text(response)
    else:
        assert response.status_code == 302 and response.headers["Location"].endswith("/ledger/")
        assert "已上传的文件已失效" in text(client.get("/ledger/"))
    assert count() == 0
    assert len(files_in(upload_folder)) == 2  # the person's own upload and its name, still waiting
