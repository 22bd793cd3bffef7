"""A large ledger file goes to the worker: the upload answers at once with a page that follows the check, then
"import now", then the result. Here the task runs inline, as the broker's stand-in; tests/system runs the same
flow over HTTP through gunicorn, Redis and a real worker."""

import re

import pytest
from sqlalchemy import func, select

from casetrack import broker
from casetrack.cases.models import Case
from casetrack.extensions import db
from casetrack.ledger.models import LedgerImport
from tests.ledger.test_import import row, xlsx


@pytest.fixture
def large_files_in_background(app, monkeypatch, tmp_path):
    """Every file counts as large, and a broker counts as there (the queued task then runs inline)."""
    monkeypatch.setitem(app.config, "CASETRACK_IMPORT_BACKGROUND_BYTES", 1)
    monkeypatch.setattr(broker, "reachable", lambda *args, **kwargs: True)
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    return tmp_path / "instance" / "uploads"


def _upload(client, path):
    with path.open("rb") as handle:
        return client.post("/ledger/", data={"file": (handle, "台账2026.xlsx")}, content_type="multipart/form-data")


def _cases() -> int:
    return db.session.scalar(select(func.count(Case.id)))


def test_a_large_file_is_checked_in_the_background_then_imported_on_confirmation(
    large_files_in_background, login_as, tmp_path
):
    client = login_as("mediator")
    response = _upload(client, xlsx(tmp_path / "big.xlsx", [row(number=f"富政复〔2026〕{n}号") for n in range(1, 41)]))
    assert response.status_code == 302 and "/ledger/imports/" in response.headers["Location"]
    job_url = response.headers["Location"]

    page = client.get(job_url).get_data(as_text=True)
    assert "台账2026.xlsx" in page and "文件检查通过" in page and _cases() == 0
    assert client.get(job_url + "/progress.json").get_json()["state"] == "checked"

    confirmed = client.post(job_url + "/confirm")
    assert confirmed.status_code == 302
    page = client.get(job_url).get_data(as_text=True)
    assert "导入完成：新增40条" in page
    assert _cases() == 40
    assert list(large_files_in_background.iterdir()) == []  # the upload is gone once imported

    client.post(job_url + "/confirm")  # a second click imports nothing twice
    assert _cases() == 40
    assert "不在等待导入" in client.get(job_url).get_data(as_text=True)


def test_a_large_file_with_bad_rows_is_rejected_in_the_background_with_every_bad_row(
    large_files_in_background, login_as, tmp_path
):
    client = login_as("mediator")
    response = _upload(client, xlsx(tmp_path / "bad.xlsx", [row(), row(number="Z", kind="行政裁决")]))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "无法识别" in page and "上传修改后的文件" in page
    assert db.session.scalar(select(LedgerImport.state)) == "rejected"
    assert client.post(response.headers["Location"] + "/confirm").status_code == 302
    assert _cases() == 0 and list(large_files_in_background.iterdir()) == []


def test_only_the_uploader_sees_or_confirms_a_background_import(large_files_in_background, login_as, tmp_path):
    owner, other = login_as("mediator"), login_as("mediator")
    job_url = _upload(owner, xlsx(tmp_path / "big.xlsx", [row()])).headers["Location"]
    assert other.get(job_url).status_code == 404
    assert other.get(job_url + "/progress.json").status_code == 404
    assert other.post(job_url + "/confirm").status_code == 404
    assert _cases() == 0


def test_an_import_whose_worker_gives_up_says_so_and_keeps_nothing(
    large_files_in_background, login_as, tmp_path, monkeypatch
):
    from casetrack.ledger import services

    client = login_as("mediator")
    job_url = _upload(client, xlsx(tmp_path / "big.xlsx", [row()])).headers["Location"]
    real_import = services.import_ledger

    def database_gone(*args, **kwargs):
        if not kwargs.get("dry_run"):
            raise ConnectionError("server closed the connection unexpectedly")
        return real_import(*args, **kwargs)

    monkeypatch.setattr(services, "import_ledger", database_gone)
    client.post(job_url + "/confirm")
    page = client.get(job_url).get_data(as_text=True)
    assert "导入失败" in page and "server closed the connection" in page
    assert _cases() == 0 and list(large_files_in_background.iterdir()) == []


def test_a_small_file_or_no_broker_is_still_previewed_in_the_request(app, login_as, tmp_path):
    client = login_as("mediator")
    response = _upload(client, xlsx(tmp_path / "small.xlsx", [row()]))
    assert response.status_code == 200 and re.search(r'name="upload"', response.get_data(as_text=True))
