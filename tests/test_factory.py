"""The app factory: configuration in, nothing built unless asked."""

from __future__ import annotations

import pytest
from appconfig import app_config

from webapp import create_app


def test_config_is_taken_from_the_test_mapping(app):
    assert app.testing
    assert app.config["BUILD_ON_START"] is False


def test_settings_come_from_simexit_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("SIMEXIT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SIMEXIT_BUILD_DIR", str(tmp_path / "build"))
    monkeypatch.setenv("SIMEXIT_BUILD_ON_START", "false")
    monkeypatch.setenv("SIMEXIT_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    app = create_app()
    assert app.config["BUILD_DIR"] == str(tmp_path / "build")
    assert app.config["BUILD_ON_START"] is False
    assert app.instance_path == str(tmp_path / "instance")
    assert not (tmp_path / "build" / "en").exists()


@pytest.mark.slow  # a whole site built
def test_start_up_builds_a_missing_site_and_skips_a_fresh_one(tmp_path, monkeypatch):
    from webapp import build

    config = app_config(tmp_path, BUILD_ON_START=True)
    app = create_app(config)  # as `flask run` or the web server would: the site is missing
    assert (tmp_path / "build" / "en" / "index.html").exists()
    response = app.test_client().get("/en/azercell/", buffered=True)
    assert response.status_code == 200
    assert "Azercell" in response.get_data(as_text=True)
    calls = []
    monkeypatch.setattr(build, "build_site", lambda *a: calls.append(a))
    create_app(config)
    assert calls == []
