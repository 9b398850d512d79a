from __future__ import annotations

from pathlib import Path

import pytest

from mcdesk.paths import resolve_paths
from mcdesk.settings import Settings, SettingsError, load_settings, save_settings


def test_mcdesk_home_moves_every_path(tmp_path: Path) -> None:
    paths = resolve_paths({"MCDESK_HOME": str(tmp_path / "h")})
    for path in (
        paths.database,
        paths.blobs_dir,
        paths.station_key,
        paths.settings_file,
        paths.trusted_publishers_dir,
        paths.damaged_dir,
        paths.cache_dir,
        paths.log_dir,
    ):
        assert path.is_relative_to(tmp_path / "h")


def test_platform_dirs_are_used_without_mcdesk_home() -> None:
    paths = resolve_paths({})
    assert "mcdesk" in str(paths.data_dir)


def test_resolving_paths_creates_nothing(tmp_path: Path) -> None:
    paths = resolve_paths({"MCDESK_HOME": str(tmp_path / "h")})
    assert not (tmp_path / "h").exists()
    paths.ensure()
    assert paths.keys_dir.stat().st_mode & 0o777 == 0o700


def test_settings_round_trip_with_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    assert load_settings(path) == Settings()
    save_settings(path, Settings(station_name="Lab 4 PC 7", idle_sign_out_minutes=15))
    assert '"schema_version": 1' in path.read_text()
    assert load_settings(path).station_name == "Lab 4 PC 7"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{oops", "Expecting property name"),
        ("[]", "must hold a JSON object"),
        ('{"idle_sign_out_minutes": 0}', "between 1 and 240"),
        ('{"idle_sign_out_minutes": true}', "idle_sign_out_minutes must be int"),
        ('{"station_name": 7}', "station_name must be str"),
        ('{"colour": "red"}', "unknown setting 'colour'"),
        ('{"schema_version": 99}', "newer than this mcdesk understands"),
    ],
)
def test_bad_settings_say_what_is_wrong_and_what_to_do(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(content)
    with pytest.raises(SettingsError) as error:
        load_settings(path)
    assert message in str(error.value)
    assert "remove it to start from the defaults" in str(error.value)
    assert path.read_text() == content  # nothing lost
