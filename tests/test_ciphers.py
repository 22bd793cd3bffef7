"""Issue 18 item 5: ID numbers sealed with an authenticated cipher under a named key, found by a keyed hash, and
re-sealed under a new key by `flask keys rotate`."""

import base64
import os

import pytest
from sqlalchemy import select, text

from casetrack import ciphers
from casetrack.cases.models import Applicant, Case
from casetrack.extensions import db

NUMBER = "330183199001011232"


def key(name: str) -> str:
    return f"{name}:" + base64.b64encode(os.urandom(32)).decode()


def test_a_sealed_number_opens_only_unchanged_and_only_in_its_own_column(app):
    for cipher in ciphers.CIPHERS:
        keys = ciphers.parse_keys(key("k1"), "secret", cipher)
        sealed = ciphers.seal(NUMBER, with_keys=keys)
        assert sealed.startswith(f"ct1:k1:{cipher}:") and NUMBER not in sealed
        assert ciphers.unseal(sealed, with_keys=keys) == NUMBER
        assert ciphers.seal(NUMBER, with_keys=keys) != sealed  # a fresh nonce each time
        flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
        with pytest.raises(ciphers.Unreadable):
            ciphers.unseal(flipped, with_keys=keys)
        with pytest.raises(ciphers.Unreadable):
            ciphers.unseal(sealed, aad=b"another.column", with_keys=keys)
        other = ciphers.parse_keys(key("k2"), "secret", cipher)
        with pytest.raises(ciphers.Unreadable, match="no key 'k1'"):
            ciphers.unseal(sealed, with_keys=other)


def test_a_bad_key_configuration_is_refused_at_start(tmp_path):
    from casetrack.settings import ConfigurationError, load_settings

    with pytest.raises(ConfigurationError, match="DATA_KEYS"):
        load_settings(str(tmp_path), {"DATA_KEYS": "k1:not-base64!"})
    with pytest.raises(ConfigurationError, match="CIPHER"):
        load_settings(str(tmp_path), {"CIPHER": "des"})


def test_the_database_holds_the_number_sealed_and_legal_finds_the_case_by_it(app, factories, login_as):
    factories.case(number="富政复〔2026〕5号", applicants=["王秀英"])
    db.session.commit()
    stored = db.session.execute(text("SELECT id_number_sealed, id_number_digest FROM applicants")).one()
    assert NUMBER not in stored.id_number_sealed and len(stored.id_number_digest) == 64
    assert db.session.scalar(select(Applicant)).id_number == NUMBER
    assert "富政复〔2026〕5号" in login_as("legal").get(f"/cases?q={NUMBER}").get_data(as_text=True)
    assert "富政复〔2026〕5号" in login_as("legal").get(f"/cases?q={NUMBER[:6]} {NUMBER[6:]}").get_data(as_text=True)
    # Whoever sees numbers masked cannot test one against the register either.
    assert "富政复〔2026〕5号" not in login_as("mediator").get(f"/cases?q={NUMBER}").get_data(as_text=True)


def test_keys_rotate_reseals_every_number_in_resumable_batches(app, factories, monkeypatch):
    old, new = key("k1"), key("k2")
    monkeypatch.setitem(app.config, "CASETRACK_DATA_KEYS", old)
    for n in range(5):
        factories.case(number=f"富政复〔2026〕{n + 10}号", applicants=["王秀英"])
    db.session.commit()
    monkeypatch.setitem(app.config, "CASETRACK_DATA_KEYS", f"{new},{old}")
    result = app.test_cli_runner().invoke(args=["keys", "rotate", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert "re-sealed 2\nre-sealed 4\n" in result.output and "k2:aes-gcm 5" in result.output
    monkeypatch.setitem(app.config, "CASETRACK_DATA_KEYS", new)
    db.session.expire_all()
    assert {a.id_number for a in db.session.scalars(select(Applicant))} == {NUMBER}
    assert all(s.startswith("ct1:k2:") for s in db.session.scalars(select(Applicant.id_number_sealed)))
    again = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert "re-sealed 0 ID numbers" in again.output
    assert db.session.scalar(select(db.func.count(Case.id))) == 5
