"""`pack import-qti`: QTI 2.1 and 3.0 items become pack source items, or are listed as not."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from mcdesk.content.qti.folder import import_qti
from mcdesk.content.qti.package import QtiRefused
from mcdesk.content.source import read_source
from tests.content.qtipackages import every_interaction, write_package

NEW = {"pack_id": "qti-pack", "title": "Framing Units", "cluster": "Architecture & Construction"}
FEEDBACK = "The key follows from the rule the lesson gives."

EXPECTED: dict[str, dict[str, Any]] = {
    "choice": {
        "type": "single_choice",
        "prompt": "A wall frame stands on a bottom plate.\n\nWhich board stands **upright**?",
        "options": [
            {"id": "a", "text": "Stud"},
            {"id": "b", "text": "Joist"},
            {"id": "c", "text": "Rafter"},
        ],
        "answer": "a",
    },
    "multi": {"type": "multiple_response", "answer": ["f", "i"]},
    "text": {
        "type": "short_text",
        "prompt": "The tool that rolls up is a tape \\_\\_\\_\\_\\_.",
        "accepted": ["measure", "rule"],
    },
    "numeric": {"type": "numeric", "answer": 36, "tolerance": 0},
    "order": {"type": "ordering", "answer": ["i", "f", "y"]},
    "match": {
        "type": "matching",
        "prompts": [{"id": "ft", "text": "foot"}, {"id": "yd", "text": "yard"}],
        "answer": {"ft": "x", "yd": "z"},
    },
    "associate": {
        "type": "matching",
        "prompts": [{"id": "h", "text": "hammer"}, {"id": "s", "text": "saw"}],
        "options": [{"id": "n", "text": "drive nails"}, {"id": "c", "text": "cut boards"}],
        "answer": {"h": "n", "s": "c"},
    },
}


def _self_checks(src: Path) -> dict[str, dict[str, Any]]:
    """The self-checks as written (a new pack does not build until its bank is imported)."""
    skill = tomllib.loads((src / "skills" / "imported" / "skill.toml").read_text())
    return {item["id"]: item for item in skill["self_check"]}


@pytest.mark.parametrize("version", ["2.1", "3.0"])
def test_every_interaction_maps_in_both_versions(tmp_path: Path, version: str) -> None:
    package = write_package(tmp_path / "q.zip", every_interaction(), version=version)
    done = import_qti(package, folder=tmp_path / "src", self_check=True, **NEW)
    items = _self_checks(tmp_path / "src")
    assert set(items) == set(EXPECTED)
    for item_id, expected in EXPECTED.items():
        assert items[item_id]["feedback"] == FEEDBACK
        for key, value in expected.items():
            assert items[item_id][key] == value, (item_id, key)
    assert [(s.href, s.reason) for s in done.report.skipped] == [
        ("hotspot.xml", "hotspotInteraction has no mcdesk item type"),
        ("custom.xml", "custom response processing rules (only templates are mapped)"),
    ]
    notes = dict(done.report.notes)
    assert notes["multi"] == "partial credit from the mapping becomes all-or-nothing"
    assert "two-column" in notes["associate"]


def test_bank_items_go_into_an_existing_pack_with_fresh_ids(tmp_path: Path) -> None:
    package = write_package(tmp_path / "q.zip", every_interaction())
    src = tmp_path / "src"
    import_qti(package, folder=src, self_check=True, **NEW)
    done = import_qti(package, folder=src, self_check=False)
    assert done.written == ["skills/imported/assessment.toml"]
    bank = read_source(src).bank
    assert len(bank) == 7
    assert {item["id"] for item in bank} == {f"{i}-2" for i in EXPECTED}
    assert all(item["skill"] == "imported" for item in bank)


def _spec_item(identifier: str, body: str, declaration: str, template: str) -> str:
    ns = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
    rp = f"https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/{template}.xml"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><qti-assessment-item xmlns="{ns}" '
        f'identifier="{identifier}" title="{identifier}" adaptive="false" time-dependent="false">'
        f"{declaration}"
        '<qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>'
        f'<qti-item-body>{body}</qti-item-body><qti-response-processing template="{rp}"/>'
        '<qti-modal-feedback outcome-identifier="FB" identifier="x" show-hide="show">'
        "<p>Read the sign again: it tells you to stay with your bags.</p>"
        "</qti-modal-feedback></qti-assessment-item>"
    )


def _spec_package(tmp_path: Path) -> Path:
    """Items shaped like the QTI 3.0 specification's examples, with a stimulus and a figure."""
    choice = _spec_item(
        "choice",
        '<p>Look at the text in the picture.</p><p><img src="images/sign.png" alt="NEVER LEAVE '
        'LUGGAGE UNATTENDED"/></p><qti-choice-interaction response-identifier="RESPONSE" '
        'shuffle="false" max-choices="1"><qti-prompt>What does it say?</qti-prompt>'
        '<qti-simple-choice identifier="ChoiceA">You must stay with your luggage at all times.'
        '</qti-simple-choice><qti-simple-choice identifier="ChoiceB">Do not let someone else '
        'look after your luggage.</qti-simple-choice><qti-simple-choice identifier="ChoiceC">'
        "Remember your luggage when you leave.</qti-simple-choice></qti-choice-interaction>",
        '<qti-response-declaration identifier="RESPONSE" cardinality="single" '
        'base-type="identifier"><qti-correct-response><qti-value>ChoiceA</qti-value>'
        "</qti-correct-response></qti-response-declaration>",
        "match_correct",
    )
    text = _spec_item(
        "text-entry",
        '<qti-assessment-stimulus-ref identifier="quote" href="../stimuli/quote.xml"/>'
        "<p>Identify the missing word in this famous quote from Shakespeare's Richard III.</p>"
        "<blockquote><p>Now is the winter of our discontent<br/>Made glorious summer by this sun "
        'of <qti-text-entry-interaction response-identifier="RESPONSE" expected-length="15"/>;'
        "</p></blockquote>",
        '<qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="string">'
        "<qti-correct-response><qti-value>York</qti-value></qti-correct-response>"
        '<qti-mapping default-value="0"><qti-map-entry map-key="York" mapped-value="1" '
        'case-sensitive="true"/><qti-map-entry map-key="york" mapped-value="0.5" '
        'case-sensitive="true"/></qti-mapping></qti-response-declaration>',
        "map_response",
    )
    match = _spec_item(
        "match",
        '<qti-match-interaction response-identifier="RESPONSE" shuffle="true" '
        'max-associations="4"><qti-prompt>Match the following characters to the Shakespeare '
        "play they appeared in:</qti-prompt><qti-simple-match-set>"
        '<qti-simple-associable-choice identifier="C" match-max="1">Capulet'
        '</qti-simple-associable-choice><qti-simple-associable-choice identifier="D" '
        'match-max="1">Demetrius</qti-simple-associable-choice><qti-simple-associable-choice '
        'identifier="L" match-max="1">Lysander</qti-simple-associable-choice>'
        '<qti-simple-associable-choice identifier="P" match-max="1">Prospero'
        "</qti-simple-associable-choice></qti-simple-match-set><qti-simple-match-set>"
        '<qti-simple-associable-choice identifier="M" match-max="4">A Midsummer-Night\'s Dream'
        '</qti-simple-associable-choice><qti-simple-associable-choice identifier="R" '
        'match-max="4">Romeo and Juliet</qti-simple-associable-choice>'
        '<qti-simple-associable-choice identifier="T" match-max="4">The Tempest'
        "</qti-simple-associable-choice></qti-simple-match-set></qti-match-interaction>",
        '<qti-response-declaration identifier="RESPONSE" cardinality="multiple" '
        'base-type="directedPair"><qti-correct-response><qti-value>C R</qti-value>'
        "<qti-value>D M</qti-value><qti-value>L M</qti-value><qti-value>P T</qti-value>"
        '</qti-correct-response><qti-mapping default-value="0"><qti-map-entry map-key="C R" '
        'mapped-value="1"/><qti-map-entry map-key="D M" mapped-value="0.5"/><qti-map-entry '
        'map-key="L M" mapped-value="0.5"/><qti-map-entry map-key="P T" mapped-value="1"/>'
        "</qti-mapping></qti-response-declaration>",
        "map_response",
    )
    stimulus = (
        '<?xml version="1.0" encoding="UTF-8"?><qti-assessment-stimulus '
        'xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="quote" title="Quote">'
        "<qti-stimulus-body><p>Richard, Duke of Gloucester, speaks alone on stage.</p>"
        "</qti-stimulus-body></qti-assessment-stimulus>"
    )
    from tests.content.qtipackages import PNG, manifest, write_zip

    return write_zip(
        tmp_path / "spec.zip",
        {
            "imsmanifest.xml": manifest(
                ["items/choice.xml", "items/text-entry.xml", "items/match.xml"],
                item_type="imsqti_item_xmlv3p0",
            ),
            "items/choice.xml": choice,
            "items/text-entry.xml": text,
            "items/match.xml": match,
            "items/images/sign.png": PNG,
            "stimuli/quote.xml": stimulus,
        },
    )


def test_packages_shaped_like_the_qti3_spec_examples(tmp_path: Path) -> None:
    done = import_qti(_spec_package(tmp_path), folder=tmp_path / "src", self_check=True, **NEW)
    items = _self_checks(tmp_path / "src")
    assert items["choice"]["answer"] == "choicea"
    assert "[figure 1: NEVER LEAVE LUGGAGE UNATTENDED]" in items["choice"]["prompt"]
    lesson = (tmp_path / "src" / "skills" / "imported" / "lesson.md").read_text()
    assert "![NEVER LEAVE LUGGAGE UNATTENDED](media/sign.png)" in lesson
    assert (tmp_path / "src" / "skills" / "imported" / "media" / "sign.png").is_file()
    text = items["text-entry"]
    assert text["prompt"].startswith("Richard, Duke of Gloucester, speaks alone on stage.")
    assert (
        "sun\nof \\_\\_\\_\\_\\_;" in text["prompt"] or "sun of \\_\\_\\_\\_\\_;" in text["prompt"]
    )
    assert text["accepted"] == ["York"]
    # The spec's plays take several characters each; mcdesk needs an option per prompt.
    assert "match" not in items
    assert [(s.href, s.reason) for s in done.report.skipped] == [
        ("items/match.xml", "matching needs at least as many options as prompts")
    ]
    notes = dict(done.report.notes)
    assert notes["text-entry"] == "answers are matched without regard to case"


def test_items_with_figures_never_go_into_the_sealed_bank(tmp_path: Path) -> None:
    package = _spec_package(tmp_path)
    src = tmp_path / "src"
    import_qti(package, folder=src, self_check=True, **NEW)
    done = import_qti(package, folder=src, self_check=False)
    assert [s.identifier for s in done.report.skipped] == ["res-choice", "res-match"]
    assert "self-checks (--self-check), never into the sealed bank" in done.report.skipped[0].reason
    assert [item["id"] for item in read_source(src).bank] == ["text-entry-2"]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources>&lol3;</resources></manifest>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE item [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="x">&secret;
</assessmentItem>
"""


def _refused(tmp_path: Path, files: dict[str, bytes | str], match: str) -> None:
    from tests.content.qtipackages import write_zip

    package = write_zip(tmp_path / "hostile.zip", files)
    with pytest.raises(QtiRefused, match=match):
        import_qti(package, folder=tmp_path / "src", self_check=True, **NEW)
    assert not (tmp_path / "src").exists()


def test_entity_expansion_is_refused_in_words(tmp_path: Path) -> None:
    _refused(tmp_path, {"imsmanifest.xml": BILLION_LAUGHS}, "entity expansion")


def test_an_external_entity_is_refused_in_words(tmp_path: Path) -> None:
    from tests.content.qtipackages import manifest

    files = {"imsmanifest.xml": manifest(["x.xml"]), "x.xml": EXTERNAL}
    _refused(tmp_path, files, r"x.xml: refused: the XML declares a DTD or entities")


def test_zip_slip_is_refused_in_words(tmp_path: Path) -> None:
    _refused(
        tmp_path, {"imsmanifest.xml": "<manifest/>", "../evil.xml": "x"}, "'..' is not allowed"
    )


def test_a_huge_file_is_refused_in_words(tmp_path: Path) -> None:
    import io
    import os
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("imsmanifest.xml", os.urandom(4_100_000))
    package = tmp_path / "huge.zip"
    package.write_bytes(buffer.getvalue())
    with pytest.raises(QtiRefused, match=r"imsmanifest.xml is 4,100,000 bytes; the limit is"):
        import_qti(package, folder=tmp_path / "src", self_check=True, **NEW)


def test_too_many_entries_are_refused_in_words(tmp_path: Path) -> None:
    files: dict[str, bytes | str] = {f"f{n}.xml": "" for n in range(10_001)}
    _refused(tmp_path, files, "too many entries")


def test_a_package_with_nothing_mappable_writes_nothing(tmp_path: Path) -> None:
    items = {"hotspot.xml": every_interaction()["hotspot.xml"]}
    package = write_package(tmp_path / "q.zip", items)
    with pytest.raises(QtiRefused, match="no item could be imported"):
        import_qti(package, folder=tmp_path / "src", self_check=True, **NEW)
    assert not (tmp_path / "src").exists()


def test_the_command_lists_what_it_could_not_map(tmp_path: Path) -> None:
    package = write_package(tmp_path / "q.zip", every_interaction(), version="3.0")
    argv = ["pack", "import-qti", str(package), "-o", str(tmp_path / "src"), "--self-check"]
    argv += ["--pack-id", "qti-pack", "--title", "Units", "--cluster", "Manufacturing"]
    run = subprocess.run(
        [sys.executable, "-m", "mcdesk", *argv], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert "imported 7 self-checks" in run.stdout
    assert "not imported: hotspot.xml (res-hotspot): hotspotInteraction" in run.stdout
    pack = tomllib.loads((tmp_path / "src" / "pack.toml").read_text())
    assert (pack["id"], pack["career_cluster"]) == ("qti-pack", "Manufacturing")
    again = subprocess.run(
        [sys.executable, "-m", "mcdesk", *argv], capture_output=True, text=True, check=False
    )
    assert again.returncode == 0
    fresh = subprocess.run(
        [sys.executable, "-m", "mcdesk", "pack", "import-qti", str(package), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert fresh.returncode == 1
    assert "neither empty nor a pack source" in fresh.stderr


def test_a_figure_that_would_overwrite_another_is_refused_and_nothing_written(
    tmp_path: Path,
) -> None:
    package = _spec_package(tmp_path)
    src = tmp_path / "src"
    import_qti(package, folder=src, self_check=True, **NEW)
    (src / "skills" / "imported" / "media" / "sign.png").write_bytes(b"another picture")
    before = (src / "skills" / "imported" / "skill.toml").read_bytes()
    with pytest.raises(QtiRefused, match=r"sign\.png exists with other content"):
        import_qti(package, folder=src, self_check=True)
    assert (src / "skills" / "imported" / "skill.toml").read_bytes() == before


def test_feedback_inside_the_body_never_reaches_the_prompt(tmp_path: Path) -> None:
    from tests.content.qtipackages import item

    leaky = item(
        "Leaky",
        '<choiceInteraction responseIdentifier="R" maxChoices="1"><prompt>Pick the stud.'
        '<feedbackInline outcomeIdentifier="FB" identifier="A" showHide="show">The answer is '
        'A</feedbackInline></prompt><simpleChoice identifier="A">Stud</simpleChoice>'
        '<simpleChoice identifier="B">Joist</simpleChoice></choiceInteraction>',
        '<responseDeclaration identifier="R" cardinality="single" baseType="identifier">'
        "<correctResponse><value>A</value></correctResponse></responseDeclaration>",
    )
    package = write_package(tmp_path / "q.zip", {"leaky.xml": leaky}, version="3.0")
    import_qti(package, folder=tmp_path / "src", self_check=True, **NEW)
    assert _self_checks(tmp_path / "src")["leaky"]["prompt"] == "Pick the stud."
