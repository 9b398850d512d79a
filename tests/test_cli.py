"""The `mcdesk` command line, run in-process with a real store under MCDESK_HOME."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mcdesk.__main__ import main
from mcdesk.paths import Paths
from tests.zipedit import entries, rewrite


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def trusting_home(home: Paths, publisher_key: Path) -> Paths:
    """A station that trusts the test publisher (as `mcdesk keys trust` would do)."""
    home.trusted_publishers_dir.mkdir(parents=True)
    shutil.copy(publisher_key.with_suffix(".pub.json"), home.trusted_publishers_dir)
    return home


def _assert_counts_add_up(out: str) -> None:
    """The last line counts the packs listed and the earnable ones among them."""
    listed = [line for line in out.splitlines() if line.startswith("  ") and " · " in line]
    earnable = [line for line in listed if line.endswith(" · earnable")]
    assert out.rstrip().endswith(f"{len(listed)} micro-credentials, {len(earnable)} earnable")


def test_keys_new_publisher_writes_a_private_and_a_public_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    key = tmp_path / "acme.key"
    code, out, _ = run(capsys, "keys", "new-publisher", "-o", str(key), "--name", "ACME Training")
    assert code == 0
    assert key.stat().st_mode & 0o777 == 0o600
    assert '"name": "ACME Training"' in key.with_suffix(".pub.json").read_text()
    assert "key id:" in out
    code, _, err = run(capsys, "keys", "new-publisher", "-o", str(key))
    assert code == 1
    assert "exists already" in err


def test_build_verify_import_list_search(
    capsys: pytest.CaptureFixture[str],
    source: Path,
    publisher_key: Path,
    trusting_home: Paths,
    tmp_path: Path,
) -> None:
    pack = tmp_path / "sample.mcpack"
    code, out, _ = run(
        capsys, "pack", "build", str(source), "-o", str(pack), "--key", str(publisher_key)
    )
    assert code == 0
    assert "built" in out
    assert "pack key:" in out

    code, out, _ = run(capsys, "pack", "verify", str(pack))
    assert code == 0
    assert out.splitlines()[0] == "valid: Sample Pack (sample-pack 1.0.0)"
    assert "assessment: 4 of 10 sealed items, 20 min, pass at 70%" in out
    assert len(out.splitlines()) <= 24  # one screen

    code, out, _ = run(capsys, "pack", "import", str(pack))
    assert (code, out.strip()) == (0, "installed: sample-pack 1.0.0")

    code, out, _ = run(capsys, "catalog", "list")
    assert code == 0
    assert "  Sample Pack — sample-pack 1.0.0 · earnable\n" in out
    assert "Measuring, Estimating" in out
    assert (
        "      Standard: OSHA Construction Industry Regulations 29 CFR 1926.302 — "
        "Power-operated hand tools "
        "<https://www.osha.gov/laws-regs/regulations/standardnumber/1926/1926.302>\n"
    ) in out
    assert "Standard: Advance CTE Career Clusters AC — Architecture & Construction" in out
    _assert_counts_add_up(out)

    code, out, _ = run(capsys, "catalog", "search", "tape", "measure")
    assert code == 0
    # The bundled catalog also teaches tape measures now: the sample pack is among the hits.
    assert any(line.startswith("Sample Pack › ") for line in out.splitlines())
    code, out, _ = run(capsys, "catalog", "search", "zeppelin")
    assert (code, out.strip()) == (0, "no matches")


def test_verify_says_invalid_and_the_reason_on_one_line(
    capsys: pytest.CaptureFixture[str],
    source: Path,
    publisher_key: Path,
    trusting_home: Paths,
    tmp_path: Path,
) -> None:
    pack = tmp_path / "sample.mcpack"
    run(capsys, "pack", "build", str(source), "-o", str(pack), "--key", str(publisher_key))
    lesson = "skills/measuring/lesson.md"
    bad = rewrite(pack, tmp_path / "bad.mcpack", replace={lesson: entries(pack)[lesson] + b"!"})
    code, out, _ = run(capsys, "pack", "verify", str(bad))
    assert code == 1
    assert out.count("\n") == 1
    assert out.startswith("invalid: file 'skills/measuring/lesson.md'")


def test_a_refused_import_says_nothing_changed(
    capsys: pytest.CaptureFixture[str],
    source: Path,
    publisher_key: Path,
    home: Paths,
    tmp_path: Path,
) -> None:
    pack = tmp_path / "sample.mcpack"
    run(capsys, "pack", "build", str(source), "-o", str(pack), "--key", str(publisher_key))
    code, _, err = run(capsys, "pack", "import", str(pack))  # this station does not trust the key
    assert code == 1
    assert "refused: unknown publisher 'Test Publisher'" in err
    assert "Nothing was changed." in err


def test_keys_trust_lets_a_station_accept_a_publisher(
    capsys: pytest.CaptureFixture[str],
    source: Path,
    publisher_key: Path,
    home: Paths,
    tmp_path: Path,
) -> None:
    pack = tmp_path / "sample.mcpack"
    run(capsys, "pack", "build", str(source), "-o", str(pack), "--key", str(publisher_key))
    code, out, _ = run(capsys, "keys", "trust", str(publisher_key.with_suffix(".pub.json")))
    assert code == 0
    assert "trusted publisher 'Test Publisher'" in out
    assert run(capsys, "pack", "verify", str(pack))[0] == 0


def test_a_broken_settings_file_is_reported_not_crashed_on(
    capsys: pytest.CaptureFixture[str], home: Paths
) -> None:
    home.settings_file.parent.mkdir(parents=True)
    home.settings_file.write_text("{not json")
    code, _, err = run(capsys, "catalog", "list")
    assert code == 1
    assert "cannot use the settings" in err
    assert "remove it to start from the defaults" in err


def test_catalog_list_says_which_packs_are_previews_and_which_name_no_standards(
    capsys: pytest.CaptureFixture[str],
    source: Path,
    publisher_key: Path,
    trusting_home: Paths,
    tmp_path: Path,
) -> None:
    pack_toml = source / "pack.toml"
    text = pack_toml.read_text(encoding="utf-8")
    text = text[: text.index("[assessment]")].replace("preview = false", "preview = true")
    pack_toml.write_text(text, encoding="utf-8")
    for bank in source.glob("skills/*/assessment.toml"):
        bank.unlink()
    pack = tmp_path / "preview.mcpack"
    assert (
        run(capsys, "pack", "build", str(source), "-o", str(pack), "--key", str(publisher_key))[0]
        == 0
    )
    assert run(capsys, "pack", "import", str(pack))[0] == 0
    code, out, _ = run(capsys, "catalog", "list")
    assert code == 0
    lines = out.splitlines()
    at = lines.index("  Sample Pack [preview] — sample-pack 1.0.0 · preview: no assessment yet")
    assert lines[at + 1 : at + 3] == ["      Measuring, Estimating", "      Standards: none named"]
    _assert_counts_add_up(out)
