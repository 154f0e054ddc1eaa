"""docs/configuration.md is what the settings class generates, and documents every setting."""

from pathlib import Path

from permitdb.settings import Settings
from permitdb.settings_docs import ENV_PREFIX, render

CONFIGURATION_DOC = Path(__file__).parents[1] / "docs" / "configuration.md"


def test_the_committed_page_is_what_the_settings_generate() -> None:
    assert CONFIGURATION_DOC.read_text() == render(), (
        "docs/configuration.md is stale: run "
        "'.venv/bin/python -m permitdb.settings_docs > docs/configuration.md' and commit it"
    )


def test_every_setting_has_a_description_and_a_section() -> None:
    page = render()
    for name, field in Settings.model_fields.items():
        assert field.description, f"Settings.{name} needs a description= for the docs"
        assert f"## `{ENV_PREFIX}{name.upper()}`" in page
