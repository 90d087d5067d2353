"""The README documents every setting and starts with the two commands."""

from __future__ import annotations

from conftest import ROOT

from dashboard import settings


def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    text = readme()
    missing = [s.name for s in settings.SETTINGS if f"`{s.name}`" not in text]
    assert not missing


def test_readme_shows_the_two_commands_first():
    text = readme()
    first_block = text.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_setting_reads_environment_then_secrets_then_default(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('LERNREISE_LANGUAGE = "en"\n')
    monkeypatch.delenv("LERNREISE_LANGUAGE", raising=False)
    assert settings.get("LERNREISE_LANGUAGE", tmp_path / "none.toml") == "de"
    assert settings.get("LERNREISE_LANGUAGE", secrets) == "en"
    monkeypatch.setenv("LERNREISE_LANGUAGE", "de")
    assert settings.get("LERNREISE_LANGUAGE", secrets) == "de"
