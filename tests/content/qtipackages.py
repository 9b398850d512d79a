"""QTI 2.1 and 3.0 content packages built by the tests: every interaction mcdesk maps."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

NS21 = "http://www.imsglobal.org/xsd/imsqti_v2p1"
NS30 = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
RP21 = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/{}"
RP30 = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/{}.xml"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)

QTI_ELEMENTS = [
    "assessmentItem",
    "responseDeclaration",
    "outcomeDeclaration",
    "correctResponse",
    "value",
    "mapping",
    "mapEntry",
    "itemBody",
    "choiceInteraction",
    "simpleChoice",
    "prompt",
    "textEntryInteraction",
    "orderInteraction",
    "matchInteraction",
    "simpleMatchSet",
    "simpleAssociableChoice",
    "associateInteraction",
    "hotspotInteraction",
    "hotspotChoice",
    "responseProcessing",
    "modalFeedback",
    "assessmentStimulusRef",
    "feedbackInline",
    "assessmentStimulus",
    "stimulusBody",
    "responseCondition",
    "responseIf",
    "match",
    "variable",
    "correct",
    "setOutcomeValue",
    "baseValue",
]
QTI_ATTRIBUTES = [
    "responseIdentifier",
    "maxChoices",
    "baseType",
    "mapKey",
    "mappedValue",
    "caseSensitive",
    "defaultValue",
    "matchMax",
    "maxAssociations",
    "outcomeIdentifier",
    "showHide",
    "timeDependent",
    "expectedLength",
]


def _kebab(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), name)


def to_qti3(xml: str) -> str:
    """A QTI 2.1 item written the QTI 3.0 way: qti- kebab names, new namespace and URIs."""
    for name in sorted(QTI_ELEMENTS, key=len, reverse=True):
        xml = re.sub(rf"<(/?){name}(?=[\s/>])", rf"<\1qti-{_kebab(name)}", xml)
    for name in QTI_ATTRIBUTES:
        xml = re.sub(rf"\b{name}=", f"{_kebab(name)}=", xml)
    xml = xml.replace(NS21, NS30)
    return re.sub(
        r"http://www\.imsglobal\.org/question/qti_v2p1/rptemplates/(\w+)",
        lambda m: RP30.format(m.group(1)),
        xml,
    )


def item(
    identifier: str,
    body: str,
    declaration: str,
    *,
    template: str = "match_correct",
    feedback: str = "The key follows from the rule the lesson gives.",
    processing: str | None = None,
) -> str:
    """One QTI 2.1 assessment item."""
    rp = processing or f'<responseProcessing template="{RP21.format(template)}"/>'
    fb = (
        f'<modalFeedback outcomeIdentifier="FEEDBACK" identifier="ALL" showHide="show">'
        f"<p>{feedback}</p></modalFeedback>"
        if feedback
        else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<assessmentItem xmlns="{NS21}" '
        f'identifier="{identifier}" title="{identifier}" adaptive="false" timeDependent="false">'
        f"{declaration}"
        '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>'
        f"<itemBody>{body}</itemBody>{rp}{fb}</assessmentItem>\n"
    )


def _choices(tag: str, pairs: list[tuple[str, str]]) -> str:
    return "".join(f'<{tag} identifier="{i}">{t}</{tag}>' for i, t in pairs)


def every_interaction() -> dict[str, str]:
    """File name → QTI 2.1 item, one per interaction mcdesk maps (and two it cannot)."""
    return {
        "choice.xml": item(
            "Choice",
            '<p>A wall frame stands on a bottom plate.</p><choiceInteraction responseIdentifier="R"'
            ' maxChoices="1"><prompt>Which board stands <strong>upright</strong>?</prompt>'
            + _choices("simpleChoice", [("A", "Stud"), ("B", "Joist"), ("C", "Rafter")])
            + "</choiceInteraction>",
            '<responseDeclaration identifier="R" cardinality="single" baseType="identifier">'
            "<correctResponse><value>A</value></correctResponse></responseDeclaration>",
        ),
        "multi.xml": item(
            "Multi",
            '<choiceInteraction responseIdentifier="R" maxChoices="0"><prompt>Which are units of'
            " length?</prompt>"
            + _choices("simpleChoice", [("F", "foot"), ("G", "gallon"), ("I", "inch")])
            + "</choiceInteraction>",
            '<responseDeclaration identifier="R" cardinality="multiple" baseType="identifier">'
            "<correctResponse><value>F</value><value>I</value></correctResponse>"
            '<mapping defaultValue="0"><mapEntry mapKey="F" mappedValue="1"/>'
            '<mapEntry mapKey="I" mappedValue="1"/><mapEntry mapKey="G" mappedValue="-1"/>'
            "</mapping></responseDeclaration>",
            template="map_response",
        ),
        "text.xml": item(
            "Text",
            '<p>The tool that rolls up is a tape <textEntryInteraction responseIdentifier="R"'
            ' expectedLength="10"/>.</p>',
            '<responseDeclaration identifier="R" cardinality="single" baseType="string">'
            '<mapping defaultValue="0"><mapEntry mapKey="measure" mappedValue="1"/>'
            '<mapEntry mapKey="rule" mappedValue="1"/></mapping></responseDeclaration>',
            template="map_response",
        ),
        "numeric.xml": item(
            "Numeric",
            '<p>How many inches are in 3 feet? <textEntryInteraction responseIdentifier="R"/></p>',
            '<responseDeclaration identifier="R" cardinality="single" baseType="integer">'
            "<correctResponse><value>36</value></correctResponse></responseDeclaration>",
        ),
        "order.xml": item(
            "Order",
            '<orderInteraction responseIdentifier="R"><prompt>Shortest to longest.</prompt>'
            + _choices("simpleChoice", [("Y", "yard"), ("I", "inch"), ("F", "foot")])
            + "</orderInteraction>",
            '<responseDeclaration identifier="R" cardinality="ordered" baseType="identifier">'
            "<correctResponse><value>I</value><value>F</value><value>Y</value></correctResponse>"
            "</responseDeclaration>",
        ),
        "match.xml": item(
            "Match",
            '<matchInteraction responseIdentifier="R" maxAssociations="2"><prompt>Match each unit'
            " to its size.</prompt><simpleMatchSet>"
            + _choices("simpleAssociableChoice", [("FT", "foot"), ("YD", "yard")])
            + "</simpleMatchSet><simpleMatchSet>"
            + _choices("simpleAssociableChoice", [("X", "12 in"), ("Z", "36 in"), ("W", "48 in")])
            + "</simpleMatchSet></matchInteraction>",
            '<responseDeclaration identifier="R" cardinality="multiple" baseType="directedPair">'
            "<correctResponse><value>FT X</value><value>YD Z</value></correctResponse>"
            "</responseDeclaration>",
        ),
        "associate.xml": item(
            "Associate",
            '<associateInteraction responseIdentifier="R" maxAssociations="2"><prompt>Pair each'
            " tool with its job.</prompt>"
            + _choices(
                "simpleAssociableChoice",
                [("H", "hammer"), ("N", "drive nails"), ("S", "saw"), ("C", "cut boards")],
            )
            + "</associateInteraction>",
            '<responseDeclaration identifier="R" cardinality="multiple" baseType="pair">'
            '<mapping defaultValue="0"><mapEntry mapKey="H N" mappedValue="1"/>'
            '<mapEntry mapKey="S C" mappedValue="1"/></mapping></responseDeclaration>',
            template="map_response",
        ),
        "hotspot.xml": item(
            "Hotspot",
            '<hotspotInteraction responseIdentifier="R" maxChoices="1"><prompt>Click the stud.'
            '</prompt><hotspotChoice identifier="A" shape="circle" coords="5,5,5"/>'
            "</hotspotInteraction>",
            '<responseDeclaration identifier="R" cardinality="single" baseType="identifier">'
            "<correctResponse><value>A</value></correctResponse></responseDeclaration>",
        ),
        "custom.xml": item(
            "Custom",
            '<choiceInteraction responseIdentifier="R" maxChoices="1"><prompt>Pick one.</prompt>'
            + _choices("simpleChoice", [("A", "one"), ("B", "two")])
            + "</choiceInteraction>",
            '<responseDeclaration identifier="R" cardinality="single" baseType="identifier">'
            "<correctResponse><value>A</value></correctResponse></responseDeclaration>",
            processing="<responseProcessing><responseCondition/></responseProcessing>",
        ),
    }


def manifest(hrefs: list[str], *, item_type: str = "imsqti_item_xmlv2p1") -> str:
    resources = "".join(
        f'<resource identifier="res-{Path(h).stem}" type="{item_type}" href="{h}">'
        f'<file href="{h}"/></resource>'
        for h in hrefs
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest '
        'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="pkg">'
        f"<organizations/><resources>{resources}</resources></manifest>\n"
    )


def write_zip(path: Path, files: dict[str, bytes | str]) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


def write_package(
    path: Path,
    items: dict[str, str],
    *,
    version: str = "2.1",
    extra: dict[str, bytes | str] | None = None,
) -> Path:
    """A zip with imsmanifest.xml and the items, in QTI 2.1 or 3.0 form."""
    qti3 = version == "3.0"
    files: dict[str, bytes | str] = {
        "imsmanifest.xml": manifest(
            list(items), item_type="imsqti_item_xmlv3p0" if qti3 else "imsqti_item_xmlv2p1"
        )
    }
    files.update({name: to_qti3(xml) if qti3 else xml for name, xml in items.items()})
    files.update(extra or {})
    return write_zip(path, files)
